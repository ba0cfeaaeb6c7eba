package dev.cinnabar.persistence.rdb;

/**
 * The bytes are not a valid RDB file or payload: truncated, a length past the end, a bad
 * encoding, a checksum that does not match. Loading stops there; nothing half-read is served.
 */
public final class RdbFormatException extends Exception {
    public RdbFormatException(String message) {
        super(message, null, false, false);
    }
}
