//! The order in which this process's sign-in guesses for one e-mail ask
//! storage for a try, while every try is taken (see [`super::login::in_turn`]).
//!
//! Storage alone decides whether a guess may be checked (the throttle's rows,
//! shared by every process): this queue is no limit, it only keeps the
//! waiting guesses from asking all at once. Without it each one asked again
//! every 10–100 ms, and on PostgreSQL a login storm spent more transactions
//! on refused asks (each taking the throttle rows' locks in turn) than on
//! sign-ins. Now the first in line asks when a guess of this process for the
//! e-mail is settled (a try came free), and every [`POLL`] in case another
//! process settled one or a lock ran out; the others wait their turn. A guess
//! that arrives while others wait joins the end of the line.
//!
//! The line counts the tries that came free and no one has asked with yet:
//! several guesses settled while the first in line was asking are each a
//! turn for the next ones, one after another. (It kept one flag: two settled
//! at once were one turn, and the next in line waited for [`POLL`] for the
//! other. In a login storm on PostgreSQL, where settling and asking take
//! longer, that left the hash threads idle 12–15% of the time.)

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
    time::Duration,
};

use tokio::sync::Notify;

/// How often the first in line asks storage when nothing was settled here.
pub const POLL: Duration = Duration::from_millis(25);

/// The lines of waiting guesses, one per e-mail that has any.
#[derive(Default)]
pub struct GuessQueue {
    lines: Mutex<HashMap<String, Line>>,
}

/// The guesses waiting for one e-mail, first in line first.
#[derive(Default)]
struct Line {
    waiters: VecDeque<Arc<Waiter>>,
    /// Tries that came free (guesses settled here) that no one in line has
    /// asked with yet.
    free_tries: usize,
}

impl Line {
    fn is_first(&self, waiter: &Arc<Waiter>) -> bool {
        self.waiters
            .front()
            .is_some_and(|front| Arc::ptr_eq(front, waiter))
    }
}

/// One waiting guess.
#[derive(Default)]
struct Waiter {
    wake: Notify,
}

/// A guess's place in its e-mail's line, once it has one; it leaves the line
/// when dropped.
pub struct Place<'a> {
    queue: &'a GuessQueue,
    key: String,
    waiter: Option<Arc<Waiter>>,
}

impl GuessQueue {
    /// A guess for `key` (the throttle's e-mail key), not yet in line.
    pub fn place(&self, key: &str) -> Place<'_> {
        Place {
            queue: self,
            key: key.to_owned(),
            waiter: None,
        }
    }

    /// A guess for `key` was settled, so a try may have come free: the first
    /// in line asks.
    pub fn settled(&self, key: &str) {
        let mut lines = self.lines.lock().expect("guess queue lock");
        if let Some(line) = lines.get_mut(key) {
            line.free_tries += 1;
            if let Some(first) = line.waiters.front() {
                first.wake.notify_one();
            }
        }
    }

    fn is_empty(&self, key: &str) -> bool {
        !self
            .lines
            .lock()
            .expect("guess queue lock")
            .contains_key(key)
    }
}

impl Place<'_> {
    /// Whether other guesses for the e-mail wait already: then this one
    /// waits its turn before it asks.
    pub fn others_wait(&self) -> bool {
        self.waiter.is_none() && !self.queue.is_empty(&self.key)
    }

    /// Waits until it is this guess's turn to ask storage (again), at most
    /// until `deadline`: false when the deadline came first.
    pub async fn wait_turn(&mut self, deadline: tokio::time::Instant) -> bool {
        let waiter = self
            .waiter
            .get_or_insert_with(|| {
                let waiter = Arc::new(Waiter::default());
                let mut lines = self.queue.lines.lock().expect("guess queue lock");
                lines
                    .entry(self.key.clone())
                    .or_default()
                    .waiters
                    .push_back(waiter.clone());
                waiter
            })
            .clone();
        loop {
            let first = {
                let mut lines = self.queue.lines.lock().expect("guess queue lock");
                let line = lines.get_mut(&self.key).expect("a line while in it");
                let first = line.is_first(&waiter);
                if first && line.free_tries > 0 {
                    line.free_tries -= 1;
                    return true;
                }
                first
            };
            let until = if first {
                deadline.min(tokio::time::Instant::now() + POLL)
            } else {
                deadline
            };
            // Woken: a try came free or it moved to the front (look again).
            if tokio::time::timeout_at(until, waiter.wake.notified())
                .await
                .is_err()
            {
                // The first in line asks now and then; the others only ever
                // time out at the deadline.
                return tokio::time::Instant::now() < deadline;
            }
        }
    }
}

impl Drop for Place<'_> {
    fn drop(&mut self) {
        let Some(waiter) = self.waiter.take() else {
            return;
        };
        let mut lines = self.queue.lines.lock().expect("guess queue lock");
        let Some(line) = lines.get_mut(&self.key) else {
            return;
        };
        let was_first = line.is_first(&waiter);
        line.waiters.retain(|w| !Arc::ptr_eq(w, &waiter));
        match line.waiters.front() {
            None => {
                lines.remove(&self.key);
            }
            // The next is first now: it asks at once with a try that came
            // free meanwhile, or polls.
            Some(next) if was_first => next.wake.notify_one(),
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_settled_guess_lets_the_first_in_line_ask_and_the_line_goes_when_empty() {
        let queue = GuessQueue::default();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        let mut first = queue.place("email:a@x.io");
        assert!(!first.others_wait());
        // The first in line asks again after POLL with nothing settled.
        let started = tokio::time::Instant::now();
        assert!(first.wait_turn(deadline).await);
        assert_eq!(tokio::time::Instant::now() - started, POLL);
        // A second guess for the e-mail waits behind it.
        let second = queue.place("email:a@x.io");
        assert!(second.others_wait());
        queue.settled("email:a@x.io");
        assert!(first.wait_turn(deadline).await, "asks at once when settled");
        assert_eq!(tokio::time::Instant::now() - started, POLL);
        drop(first);
        assert!(queue.is_empty("email:a@x.io"));
    }

    #[tokio::test(start_paused = true)]
    async fn the_next_in_line_asks_once_the_first_leaves_and_only_the_first_polls() {
        let queue: &'static GuessQueue = Box::leak(Box::new(GuessQueue::default()));
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        let mut first = queue.place("email:a@x.io");
        let mut second = queue.place("email:a@x.io");
        let started = tokio::time::Instant::now();
        assert!(first.wait_turn(deadline).await);
        let second_turn = tokio::spawn(async move {
            let asked = second.wait_turn(deadline).await;
            (asked, tokio::time::Instant::now())
        });
        // The second is not first: it does not poll while the first stays.
        tokio::time::sleep(POLL * 4).await;
        assert!(!second_turn.is_finished());
        queue.settled("email:a@x.io");
        // The first was asking (not waiting): its try passes on as it leaves.
        drop(first);
        let (asked, at) = second_turn.await.unwrap();
        assert!(asked);
        assert_eq!(at - started, POLL + POLL * 4, "at once, no poll wait");
    }

    #[tokio::test(start_paused = true)]
    async fn each_try_that_came_free_is_a_turn_however_close_together_they_came() {
        let queue: &'static GuessQueue = Box::leak(Box::new(GuessQueue::default()));
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        let key = "email:a@x.io";
        let mut first = queue.place(key);
        let second = queue.place(key);
        let third = queue.place(key);
        let started = tokio::time::Instant::now();
        assert!(first.wait_turn(deadline).await);
        let turn = |mut place: Place<'static>| {
            tokio::spawn(async move {
                let asked = place.wait_turn(deadline).await;
                (asked, tokio::time::Instant::now(), place)
            })
        };
        let second_turn = turn(second);
        tokio::task::yield_now().await;
        let third_turn = turn(third);
        tokio::task::yield_now().await;
        // Two guesses settled while the first was asking: two tries free.
        queue.settled(key);
        queue.settled(key);
        drop(first);
        let (asked, at, second) = second_turn.await.unwrap();
        assert!(asked);
        assert_eq!(at - started, POLL, "the second at once");
        drop(second);
        let (asked, at, _third) = third_turn.await.unwrap();
        assert!(asked);
        assert_eq!(
            at - started,
            POLL,
            "and the third, with the other try, at once too"
        );
    }
}
