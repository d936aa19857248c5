// The Edict extension for VS Code. The TextMate grammar (syntaxes/) gives the highlighting;
// everything else comes from the Edict language server, `edict lsp`, spoken to over stdio.
'use strict';

const os = require('os');
const path = require('path');
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

// The commands of the server's code lenses, with the titles shown to the user. Their arguments
// are `[{ decision }]` or `[{ test }]` (edict.runTests; no argument runs every test) and
// `[{ decision }]` (edict.showTable). The server runs them on `workspace/executeCommand` and
// answers `{ title, markdown, passed?, failed? }`.
//
// Who registers these ids as VS Code commands? vscode-languageclient registers one for every id
// the server lists in `executeCommandProvider.commands`: its handler sends the request and
// returns the answer, which nobody would show. Registering an id a second time throws, so the
// extension cannot register both ids up front. Instead, whatever the server lists:
//
// - an id the server lists keeps the client's handler, and `middleware.executeCommand` (in
//   `start`) wraps it to ask for a missing target and to show the answer;
// - an id the server does not list is registered here, once the client has started (and so has
//   registered what the server lists), after checking `vscode.commands.getCommands`; its
//   handler sends the same request.
//
// Both paths go through `runServerCommand`, so the commands behave the same either way. The
// registrations made here are dropped before a restart and made again after it, since another
// server binary may list other ids. (A server that registered these ids dynamically, with
// `client/registerCapability`, after the client started would collide; `edict lsp` does not.)
const SERVER_COMMANDS = {
  'edict.runTests': 'Edict: Run tests',
  'edict.showTable': 'Edict: Show decision table',
};

let client; // the current LanguageClient
let ownCommands = []; // disposables of the commands registered by this file (see above)
let outputChannel; // one channel for every client of the session, so restarts keep the log
let watcher; // file events for **/*.edict, shared by the clients
let queue = Promise.resolve(); // starts and restarts, one at a time
const panels = new Map(); // result title -> webview panel showing it

async function activate(context) {
  outputChannel = vscode.window.createOutputChannel('Edict');
  watcher = vscode.workspace.createFileSystemWatcher('**/*.edict');
  context.subscriptions.push(outputChannel, watcher, { dispose: disposeOwnCommands });
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('edict.server')) {
        void serialise(restart);
      }
    }),
  );
  await serialise(start);
}

function deactivate() {
  disposeOwnCommands();
  const current = client;
  client = undefined;
  return current ? current.dispose().catch(() => undefined) : undefined;
}

function serialise(task) {
  queue = queue.then(task, task);
  return queue;
}

async function start() {
  const config = vscode.workspace.getConfiguration('edict');
  const command = serverPath(config.get('server.path'));
  const extraArgs = (config.get('server.extraArgs') || []).map(String);
  // No `transport` here: with `TransportKind.stdio` vscode-languageclient would add `--stdio`
  // to the arguments; without one it speaks LSP over the process's stdin and stdout all the same.
  const serverOptions = { command, args: ['lsp', ...extraArgs] };
  const clientOptions = {
    documentSelector: [{ scheme: 'file', language: 'edict' }],
    synchronize: { fileEvents: watcher },
    outputChannel,
    middleware: {
      executeCommand: (name, args, next) =>
        Object.prototype.hasOwnProperty.call(SERVER_COMMANDS, name)
          ? runServerCommand(name, args, next, { reportsErrors: true })
          : next(name, args),
    },
  };
  client = new LanguageClient('edict', 'Edict', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    // The client has already reported the failure; add what to do about the common case. (Not
    // awaited: the notification stays until dismissed, and activation must not wait for it.)
    if (/ENOENT/.test(errorText(error))) {
      void vscode.window
        .showErrorMessage(
          `The Edict language server could not be started: "${command}" was not found. ` +
            'Install it with "cargo install --path cli" in the Edict repository, or set edict.server.path.',
          'Open Settings',
        )
        .then((choice) => {
          if (choice === 'Open Settings') {
            void vscode.commands.executeCommand('workbench.action.openSettings', 'edict.server');
          }
        });
    }
  }
  await registerOwnCommands();
}

async function restart() {
  disposeOwnCommands();
  const previous = client;
  client = undefined;
  if (previous) {
    await previous.dispose().catch(() => undefined);
  }
  await start();
}

async function registerOwnCommands() {
  const send = (command, args) => {
    if (!client || !client.isRunning()) {
      throw new Error('the Edict language server is not running (see the Edict output channel)');
    }
    return client.sendRequest('workspace/executeCommand', { command, arguments: args });
  };
  const existing = new Set(await vscode.commands.getCommands(true));
  for (const name of Object.keys(SERVER_COMMANDS)) {
    if (existing.has(name)) {
      continue; // the language client registered it for the server
    }
    ownCommands.push(
      vscode.commands.registerCommand(name, (...args) =>
        runServerCommand(name, args, send, { reportsErrors: false }),
      ),
    );
  }
}

function disposeOwnCommands() {
  for (const disposable of ownCommands) {
    disposable.dispose();
  }
  ownCommands = [];
}

// Runs a code-lens command on the server and shows its answer. Without a target (from the
// command palette), asks which decision or test, among the file's code lenses (or, for tests,
// all of them).
async function runServerCommand(name, args, send, { reportsErrors }) {
  const title = SERVER_COMMANDS[name];
  let commandArgs = args;
  if (!Array.isArray(commandArgs) || !isTarget(commandArgs[0])) {
    commandArgs = await pickTarget(name);
    if (!commandArgs) {
      return undefined;
    }
  }
  let result;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title },
      () => Promise.resolve(send(name, commandArgs)),
    );
  } catch (error) {
    // The client's own handler has already shown its errors.
    if (!reportsErrors) {
      void vscode.window.showErrorMessage(`${title}: ${errorText(error)}`);
    }
    return undefined;
  }
  await showResult(name, result);
  return result;
}

function isTarget(value) {
  return (
    value !== null &&
    typeof value === 'object' &&
    (typeof value.decision === 'string' || typeof value.test === 'string')
  );
}

async function pickTarget(name) {
  const title = SERVER_COMMANDS[name];
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'edict') {
    void vscode.window.showWarningMessage(`${title}: open an Edict file first.`);
    return undefined;
  }
  const lenses =
    (await vscode.commands.executeCommand('vscode.executeCodeLensProvider', editor.document.uri, 100)) || [];
  const cursor = editor.selection.active.line;
  const items = [];
  for (const lens of lenses) {
    const command = lens.command;
    if (!command || command.command !== name || !Array.isArray(command.arguments)) {
      continue;
    }
    const target = command.arguments[0];
    if (!isTarget(target)) {
      continue;
    }
    const label = typeof target.test === 'string' ? `test ${target.test}` : `decision ${target.decision}`;
    if (items.some((item) => item.label === label)) {
      continue;
    }
    const line = lens.range.start.line;
    // Lenses at or above the cursor first, nearest first (the item the cursor is in), then
    // those below it, in order.
    const rank = line <= cursor ? cursor - line : Number.MAX_SAFE_INTEGER / 2 + line;
    items.push({ label, description: command.title, rank, args: command.arguments });
  }
  items.sort((a, b) => a.rank - b.rank);
  if (name === 'edict.runTests') {
    items.push({ label: 'all tests', description: 'every test of the workspace', args: [] });
  }
  if (items.length === 0) {
    void vscode.window.showInformationMessage(`${title}: nothing to run in this file.`);
    return undefined;
  }
  if (items.length === 1) {
    return items[0].args;
  }
  const picked = await vscode.window.showQuickPick(items, { placeHolder: title, matchOnDescription: true });
  return picked ? picked.args : undefined;
}

async function showResult(name, result) {
  if (!result || typeof result !== 'object') {
    return;
  }
  const title = typeof result.title === 'string' && result.title ? result.title : SERVER_COMMANDS[name];
  if (typeof result.markdown === 'string') {
    await showMarkdown(title, result.markdown);
  }
  if (name === 'edict.runTests' && (typeof result.passed === 'number' || typeof result.failed === 'number')) {
    const passed = typeof result.passed === 'number' ? result.passed : 0;
    const failed = typeof result.failed === 'number' ? result.failed : 0;
    const text = `${title}: ${passed} passed, ${failed} failed`;
    if (failed > 0) {
      void vscode.window.showErrorMessage(text);
    } else if (passed === 0) {
      void vscode.window.showWarningMessage(`${title}: no test ran`);
    } else {
      void vscode.window.showInformationMessage(text);
    }
  }
}

// Shows markdown beside the editor: rendered by VS Code's built-in Markdown extension into a
// webview (one per title, reused when the same result is asked for again), or, should that
// extension be disabled, as an untitled Markdown document.
async function showMarkdown(title, markdown) {
  let html;
  try {
    html = await vscode.commands.executeCommand('markdown.api.render', markdown);
  } catch {
    html = undefined;
  }
  if (typeof html !== 'string') {
    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
    return;
  }
  let panel = panels.get(title);
  if (panel) {
    panel.reveal(undefined, true);
  } else {
    panel = vscode.window.createWebviewPanel(
      'edict.result',
      title,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableFindWidget: true, localResourceRoots: [] },
    );
    const created = panel;
    panels.set(title, created);
    created.onDidDispose(() => {
      if (panels.get(title) === created) {
        panels.delete(title);
      }
    });
  }
  panel.webview.html = page(title, html);
}

// A page for the rendered markdown. No scripts, no remote content: the policy only allows
// inline styles.
function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(title)}</title>
<style>
  body {
    font-family: var(--vscode-markdown-font-family, var(--vscode-font-family));
    font-size: var(--vscode-markdown-font-size, var(--vscode-font-size));
    line-height: 1.5;
    padding: 0 20px 20px;
  }
  table { border-collapse: collapse; margin: 1em 0; }
  th, td {
    border: 1px solid var(--vscode-editorWidget-border, rgba(128, 128, 128, 0.35));
    padding: 4px 8px;
    text-align: left;
    vertical-align: top;
  }
  th { background: var(--vscode-editor-inactiveSelectionBackground); }
  code { font-family: var(--vscode-editor-font-family); font-size: 0.95em; }
  pre {
    background: var(--vscode-textCodeBlock-background);
    padding: 8px 12px;
    overflow-x: auto;
  }
</style>
</head>
<body>
${body}
</body>
</html>`;
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function errorText(error) {
  return error instanceof Error ? error.message : String(error);
}

// `edict.server.path`: a bare name is looked up on PATH by the system; `~/` is the home
// directory; any other relative path is taken from the first workspace folder.
function serverPath(configured) {
  const value = (typeof configured === 'string' && configured.trim()) || 'edict';
  if (value === '~' || value.startsWith('~/')) {
    return path.join(os.homedir(), value.slice(1));
  }
  if (path.isAbsolute(value) || !/[\\/]/.test(value)) {
    return value;
  }
  const folders = vscode.workspace.workspaceFolders;
  return folders && folders.length > 0 ? path.join(folders[0].uri.fsPath, value) : value;
}

module.exports = { activate, deactivate };
