//! Threads that work behind the map: tile workers, the layer renderer, file loading, the
//! briefing deck.
//!
//! Each is named (crash reports and debuggers show it) and, on Linux, scheduled as batch work
//! (`SCHED_BATCH`): it keeps its full share of the processor, but waking it never preempts the
//! thread that woke it. Measured on this 2-core machine (kernel 6.18): a frame that handed
//! the vector-tile worker a new zoom's tiles spent 4–13 ms in `notify_all` — the worker,
//! woken onto the UI thread's own core, ran there first — and the UI thread waited for the
//! other core to take it. The threads these start (the rasteriser's bands, the loader's
//! builder) inherit the policy.

use std::io;
use std::thread::JoinHandle;

/// Start `work` on a background thread called `name`.
///
/// # Errors
/// When the system cannot make a thread.
pub fn spawn<T, F>(name: impl Into<String>, work: F) -> io::Result<JoinHandle<T>>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            yield_to_the_ui();
            work()
        })
}

/// Make the calling thread batch work (Linux; elsewhere nothing changes).
fn yield_to_the_ui() {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: `sched_setscheduler` reads the `sched_param` it is given, which lives for
        // the call; pid 0 is the calling thread. Moving from SCHED_OTHER to SCHED_BATCH
        // needs no privilege; if it fails the thread simply keeps the default policy.
        let done = unsafe { libc::sched_setscheduler(0, libc::SCHED_BATCH, &param) };
        if done != 0 {
            log::debug!(
                "background thread kept the default scheduling: {}",
                io::Error::last_os_error()
            );
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn a_background_thread_runs_as_batch_work_and_the_caller_does_not() {
        // SAFETY: querying the calling thread's policy has no preconditions.
        let policy = || unsafe { libc::sched_getscheduler(0) };
        let inside = super::spawn("policy probe", policy)
            .expect("a thread")
            .join()
            .expect("it ran");
        assert_eq!(inside, libc::SCHED_BATCH);
        // Threads it starts inherit it.
        let nested = super::spawn("policy probe", move || {
            std::thread::spawn(policy).join().expect("it ran")
        })
        .expect("a thread")
        .join()
        .expect("it ran");
        assert_eq!(nested, libc::SCHED_BATCH);
        assert_eq!(policy(), libc::SCHED_OTHER, "the caller is untouched");
    }
}
