//! Whether online tiles are arriving, and when to ask again for those that failed.
//!
//! The tile loader asks for each tile once and only logs a failure. Seen from the map, a tile
//! in view that has no image of its own while nothing is downloading has failed. Then the map
//! is "offline": cached tiles keep being shown, and the failed tiles are asked for again after
//! a backoff that doubles from [`FIRST_RETRY_S`] up to [`MAX_RETRY_S`], so a dead network gets
//! one request per failed tile per interval and a returning one is noticed within it.

/// Seconds before the first retry.
pub const FIRST_RETRY_S: f64 = 5.0;
/// The longest wait between retries, in seconds.
pub const MAX_RETRY_S: f64 = 120.0;
/// How long tiles may be missing with nothing downloading before they count as failed.
pub const GRACE_S: f64 = 1.0;

/// What the map should say about its tiles.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Health {
    /// Every tile in view has its image, or is on its way.
    Fine,
    /// Tiles in view failed; cached ones are shown.
    Offline {
        /// Tiles in view without their own image.
        missing: usize,
        /// When they will be asked for again, in seconds (the clock of `update`).
        retry_at_s: f64,
    },
}

/// The tiles' health over time.
#[derive(Clone, Debug)]
pub struct TileHealth {
    health: Health,
    missing_since_s: Option<f64>,
    retries: u32,
}

impl Default for TileHealth {
    fn default() -> Self {
        Self {
            health: Health::Fine,
            missing_since_s: None,
            retries: 0,
        }
    }
}

impl TileHealth {
    /// What to show now.
    pub fn health(&self) -> Health {
        self.health
    }

    /// The wait before retry number `n` (0-based), in seconds.
    pub fn backoff_s(n: u32) -> f64 {
        (FIRST_RETRY_S * 2f64.powi(n.min(16) as i32)).min(MAX_RETRY_S)
    }

    /// Take in a frame: `missing` tiles in view without their own image, `downloading` tiles on
    /// their way, at `now_s`. Returns `true` when the failed tiles should be asked for again.
    pub fn update(&mut self, now_s: f64, missing: usize, downloading: usize) -> bool {
        if missing == 0 {
            self.health = Health::Fine;
            self.missing_since_s = None;
            self.retries = 0;
            return false;
        }
        if downloading > 0 {
            // Still arriving: not a failure yet.
            self.missing_since_s = None;
            return false;
        }
        let since = *self.missing_since_s.get_or_insert(now_s);
        match self.health {
            Health::Fine if now_s - since >= GRACE_S => {
                self.health = Health::Offline {
                    missing,
                    retry_at_s: now_s + Self::backoff_s(self.retries),
                };
                false
            }
            Health::Fine => false,
            Health::Offline { retry_at_s, .. } if now_s >= retry_at_s => {
                self.retries += 1;
                self.health = Health::Offline {
                    missing,
                    retry_at_s: now_s + Self::backoff_s(self.retries),
                };
                self.missing_since_s = None;
                true
            }
            Health::Offline { retry_at_s, .. } => {
                self.health = Health::Offline {
                    missing,
                    retry_at_s,
                };
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_noticed_after_the_grace_and_retried_with_a_doubling_backoff() {
        let mut h = TileHealth::default();
        // Downloading: fine.
        assert!(!h.update(0.0, 12, 12));
        assert_eq!(h.health(), Health::Fine);
        // Nothing downloading, tiles missing: offline after the grace period.
        assert!(!h.update(0.5, 12, 0));
        assert_eq!(h.health(), Health::Fine);
        assert!(!h.update(1.6, 12, 0));
        assert_eq!(
            h.health(),
            Health::Offline {
                missing: 12,
                retry_at_s: 1.6 + 5.0
            }
        );
        // No retry before it is due, then one, and the next wait doubles.
        assert!(!h.update(6.0, 12, 0));
        assert!(h.update(6.6, 12, 0));
        assert_eq!(
            h.health(),
            Health::Offline {
                missing: 12,
                retry_at_s: 6.6 + 10.0
            }
        );
        // The retry downloads (still offline, no second retry), then fails again.
        assert!(!h.update(7.0, 12, 12));
        assert!(!h.update(8.0, 12, 0));
        assert!(!h.update(16.0, 12, 0));
        assert!(h.update(16.7, 12, 0));
        // The network is back: every tile arrives, and the backoff starts again.
        assert!(!h.update(17.0, 0, 0));
        assert_eq!(h.health(), Health::Fine);
        assert_eq!(TileHealth::backoff_s(0), 5.0);
        assert_eq!(TileHealth::backoff_s(3), 40.0);
        assert_eq!(TileHealth::backoff_s(10), MAX_RETRY_S);
    }
}
