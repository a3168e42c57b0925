//! genesys-client's integration tests, one binary: region parsing properties, the client
//! against the emulator on loopback, and retry/timeout/redaction rules against a scripted stub.

mod support;

mod bounded;
mod proxy;
mod region_properties;
mod sim;
mod stub;
mod variants;
