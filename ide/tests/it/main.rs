//! The editor features' one integration-test binary: each feature on the shipped policies, and
//! their incrementality.

mod features;
mod incremental;
