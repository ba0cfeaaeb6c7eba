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

        /** A wall-clock reading, to the nanosecond, and the monotonic one just after it. */
        private final class Anchor {
            final long nanos;
            final long epochNanos;

            Anchor(long epochNanos, long nanos) {
                this.epochNanos = epochNanos;
                this.nanos = nanos;
            }
        }

        private volatile Anchor anchor = newAnchor();

        /** The wall clock first, so that what is derived from the anchor is never ahead of it. */
        private Anchor newAnchor() {
            java.time.Instant wall = java.time.Instant.now();
            long nanos = System.nanoTime();
            return new Anchor(wall.getEpochSecond() * 1_000_000_000L + wall.getNano(), nanos);
        }

        @Override
        public long millis() {
            return System.currentTimeMillis();
        }

        /**
         * Each command reads the clock twice, to time itself, and its start is also the time it
         * sees (as Redis's call() does with one reading). Two of the JVM's clocks would make that
         * three readings: over a tenth of the engine's time under pipelined GETs went to the
         * vDSO. So the wall clock is read once a millisecond, to the nanosecond, and the
         * monotonic reading gives the rest: the result is the wall clock's millisecond less the
         * few nanoseconds between the two readings (never ahead of it, and not a millisecond
         * behind, which a client comparing its own clock would see: a PXAT of its now + 10 s read
         * back by PTTL as 10001), and a step of the wall clock shows within a millisecond.
         */
        @Override
        public long millisAt(long nanos) {
            Anchor a = anchor;
            long since = nanos - a.nanos;
            if (since < 0 || since >= RESYNC_NANOS) {
                // Anchored on a reading of its own: one passed in late would put the time ahead.
                a = newAnchor();
                anchor = a;
                since = Math.max(0, nanos - a.nanos);
            }
            return (a.epochNanos + since) / 1_000_000L;
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
