//! The one way the emulator takes a lock: state shared between requests, the publisher and
//! the hooks is behind `std` mutexes, and a panic in one of them must not take the whole
//! emulator down with it.

use std::sync::{Mutex, MutexGuard};

/// Locks a mutex, taking over the data of one a panicking holder poisoned.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
