package dev.cinnabar.server.info;

/** Builds INFO's text: {@code # Title} headers and {@code name:value} lines, each ending in CRLF. */
public final class InfoWriter {
    private final StringBuilder text = new StringBuilder(1024);

    public InfoWriter header(String title) {
        text.append("# ").append(title).append("\r\n");
        return this;
    }

    public InfoWriter field(String name, String value) {
        text.append(name).append(':').append(value).append("\r\n");
        return this;
    }

    public InfoWriter field(String name, long value) {
        text.append(name).append(':').append(value).append("\r\n");
        return this;
    }


    /** A line written as is, for fields made of several values ({@code db0:keys=1,...}). */
    public InfoWriter line(String line) {
        text.append(line).append("\r\n");
        return this;
    }

    /** The blank line Redis puts between two sections. */
    void separator() {
        text.append("\r\n");
    }

    boolean isEmpty() {
        return text.length() == 0;
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
