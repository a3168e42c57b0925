//! The one way the emulator takes a lock: state shared between requests, the publisher and
//! the hooks is behind `std` mutexes, and a panic in one of them must not take the whole
//! emulator down with it.

use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Locks a mutex, taking over the data of one a panicking holder poisoned.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Reads behind a read-write lock, taking over the data of one a panicking writer poisoned.
pub fn read<T>(l: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|e| e.into_inner())
}

/// Writes behind a read-write lock, as [`read`] does.
pub fn write<T>(l: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|e| e.into_inner())
}
