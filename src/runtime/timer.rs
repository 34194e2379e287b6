//! A sleep accurate to tens of microseconds, for the builtin `sleep`.
//!
//! tokio's timer wheel ticks in milliseconds and its driver parks in `epoll_wait`, whose
//! timeout is in milliseconds too, so a 10 ms `tokio::time::sleep` ends after 11–12 ms. The
//! builtin `sleep` is the known delay that `lynx bench` and latency tests measure against, so
//! it must not add that. One thread keeps the deadlines in a heap and waits on a condvar for
//! exactly the time left to the earliest (a futex timeout, precise to the kernel's timer
//! slack); each sleeper awaits a oneshot that the thread fires.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// Above this many pending deadlines, a new one first drops those whose sleeper is gone
/// (a cancelled call), so abandoned long sleeps cannot pile up.
const PRUNE_ABOVE: usize = 1024;

struct Entry {
    at: Instant,
    seq: u64,
    wake: oneshot::Sender<()>,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

#[derive(Default)]
struct Heap {
    entries: BinaryHeap<Reverse<Entry>>,
    seq: u64,
}

struct Timers {
    heap: Mutex<Heap>,
    changed: Condvar,
}

impl Timers {
    fn lock(&self) -> MutexGuard<'_, Heap> {
        self.heap.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn run(&self) {
        let mut heap = self.lock();
        loop {
            let now = Instant::now();
            while heap.entries.peek().is_some_and(|Reverse(e)| e.at <= now) {
                if let Some(Reverse(due)) = heap.entries.pop() {
                    // The sleeper may be gone (its call was cancelled); nothing to do then.
                    let _ = due.wake.send(());
                }
            }
            heap = match heap.entries.peek().map(|Reverse(e)| e.at - now) {
                Some(left) => {
                    self.changed
                        .wait_timeout(heap, left)
                        .unwrap_or_else(|e| e.into_inner())
                        .0
                }
                None => self.changed.wait(heap).unwrap_or_else(|e| e.into_inner()),
            };
        }
    }
}

/// The timer thread, started on first use; `None` if it could not be started.
fn timers() -> Option<&'static Timers> {
    static TIMERS: OnceLock<Option<&'static Timers>> = OnceLock::new();
    *TIMERS.get_or_init(|| {
        let timers: &'static Timers = Box::leak(Box::new(Timers {
            heap: Mutex::new(Heap::default()),
            changed: Condvar::new(),
        }));
        std::thread::Builder::new()
            .name("lynx-timer".into())
            .spawn(move || timers.run())
            .ok()
            .map(|_| timers)
    })
}

/// Waits `duration`, ending within tens of microseconds of it.
pub async fn sleep(duration: Duration) {
    if duration.is_zero() {
        return;
    }
    let at = Instant::now() + duration;
    let Some(timers) = timers() else {
        tokio::time::sleep_until(at.into()).await;
        return;
    };
    let (wake, woken) = oneshot::channel();
    {
        let mut heap = timers.lock();
        if heap.entries.len() > PRUNE_ABOVE {
            heap.entries.retain(|Reverse(e)| !e.wake.is_closed());
        }
        let earliest = heap.entries.peek().is_none_or(|Reverse(e)| at < e.at);
        heap.seq += 1;
        let seq = heap.seq;
        heap.entries.push(Reverse(Entry { at, seq, wake }));
        if earliest {
            timers.changed.notify_one();
        }
    }
    if woken.await.is_err() {
        tokio::time::sleep_until(at.into()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sleeps_end_in_deadline_order_and_never_early() {
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for ms in [30u64, 10, 20, 0] {
            tasks.spawn(async move {
                sleep(Duration::from_millis(ms)).await;
                (ms, Instant::now())
            });
        }
        let mut ends = Vec::new();
        while let Some(done) = tasks.join_next().await {
            ends.push(done.unwrap());
        }
        for (ms, at) in &ends {
            assert!(
                *at - started >= Duration::from_millis(*ms),
                "{ms} ms sleep ended early"
            );
        }
        ends.sort_by_key(|(_, at)| *at);
        let order: Vec<u64> = ends.iter().map(|(ms, _)| *ms).collect();
        assert_eq!(order, [0, 10, 20, 30]);
    }

    #[tokio::test]
    async fn abandoned_sleeps_are_pruned() {
        let timers = timers().expect("the timer thread starts");
        // Far deadlines whose sleepers are dropped at once.
        for _ in 0..PRUNE_ABOVE + 10 {
            // Polled once (it registers), then dropped.
            let _ = futures_util::FutureExt::now_or_never(sleep(Duration::from_secs(3600)));
        }
        sleep(Duration::from_millis(1)).await;
        let pending = timers.lock().entries.len();
        assert!(pending <= PRUNE_ABOVE, "{pending} deadlines kept");
    }
}
