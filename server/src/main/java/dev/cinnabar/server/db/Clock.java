package dev.cinnabar.server.db;

/** Time as the server sees it; injectable so expiry can be tested without sleeping. */
public interface Clock {
    /** Wall-clock milliseconds since the Unix epoch (TTLs are absolute Unix times). */
    long millis();

    /** A monotonic nanosecond counter for durations and timers. */
    long nanos();

    /**
     * Wall-clock milliseconds at the moment {@code nanos}, a reading of {@link #nanos} just taken,
     * was read: what a command's time is, from the reading that also times it.
     */
    default long millisAt(long nanos) {
        return millis();
    }

    /** Wall-clock microseconds since the Unix epoch, for TIME and INFO's server_time_usec. */
    default long micros() {
        return millis() * 1000L;
    }

    Clock SYSTEM = new Clock() {
        /** How long the wall clock is read off the monotonic one before it is read again. */
        private static final long RESYNC_NANOS = 1_000_000L;

        /** A wall-clock reading and the monotonic one just before it. */
        private final class Anchor {
            final long nanos;
            final long millis;

            Anchor(long nanos, long millis) {
                this.nanos = nanos;
                this.millis = millis;
            }
        }

        private volatile Anchor anchor = new Anchor(System.nanoTime(), System.currentTimeMillis());

        @Override
        public long millis() {
            return System.currentTimeMillis();
        }

        /**
         * Each command reads the clock twice, to time itself, and its start is also the time it
         * sees (as Redis's call() does with one reading). Two of the JVM's clocks would make that
         * three readings: over a tenth of the engine's time under pipelined GETs went to the
         * vDSO. So the wall clock is read once a millisecond and the monotonic reading gives the
         * rest. The result stays within a millisecond of the wall clock (behind it, not ahead),
         * and a step of the wall clock shows within a millisecond.
         */
        @Override
        public long millisAt(long nanos) {
            Anchor a = anchor;
            long since = nanos - a.nanos;
            if (since >= 0 && since < RESYNC_NANOS) {
                return a.millis + since / 1_000_000L;
            }
            // Anchored on a reading of its own: one passed in late would put the time ahead.
            long now = System.nanoTime();
            long millis = System.currentTimeMillis();
            anchor = new Anchor(now, millis);
            return millis;
        }

        @Override
        public long nanos() {
            return System.nanoTime();
        }

        @Override
        public long micros() {
            java.time.Instant now = java.time.Instant.now();
            return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
        }
    };
}
