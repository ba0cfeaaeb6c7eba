package dev.cinnabar.persistence.rdb;

/**
 * Loading an RDB file failed. {@link #kind()} tells which of Redis's reports applies:
 * a wrong signature or version (rdbLoad returns an error: "Fatal error loading the DB"), a short
 * read ("Short read or OOM loading DB"), corrupt contents or a checksum mismatch (an internal
 * error at an offset), module data, or a library that does not load.
 */
public final class RdbFileException extends Exception {
    public enum Kind { SIGNATURE, VERSION, SHORT_READ, CORRUPT, CHECKSUM, MODULE, FUNCTION, DUPLICATE_KEY, TOO_MANY_DBS }

    private final Kind kind;
    private final long offset;

    public RdbFileException(Kind kind, String message, long offset) {
        super(message, null, false, false);
        this.kind = kind;
        this.offset = offset;
    }

    public Kind kind() {
        return kind;
    }

    /** Redis's loading_loaded_bytes when it failed: the offset its log line names. */
    public long offset() {
        return offset;
    }

    static RdbFileException shortRead(long offset) {
        return new RdbFileException(Kind.SHORT_READ, "Unexpected EOF reading RDB file", offset);
    }

    static RdbFileException corrupt(String reason, long offset) {
        return new RdbFileException(Kind.CORRUPT, reason, offset);
    }
}
