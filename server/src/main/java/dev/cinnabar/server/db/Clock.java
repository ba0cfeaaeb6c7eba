package dev.cinnabar.server.db;

/** Time as the server sees it; injectable so expiry can be tested without sleeping. */
public interface Clock {
    /** Wall-clock milliseconds since the Unix epoch (TTLs are absolute Unix times). */
    long millis();

    /** A monotonic nanosecond counter for durations and timers. */
    long nanos();

    /** Wall-clock microseconds since the Unix epoch, for TIME and INFO's server_time_usec. */
    default long micros() {
        return millis() * 1000L;
    }

    Clock SYSTEM = new Clock() {
        @Override
        public long millis() {
            return System.currentTimeMillis();
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
