package dev.cinnabar.datatypes.stream;

/**
 * The field/value arguments of an entry being added, as slices (the command's own arguments, so
 * that adding an entry copies each byte once, into the node).
 */
public interface StreamFields {
    byte[] array(int i);

    int offset(int i);

    int length(int i);

    /** Whole arrays. */
    static StreamFields of(byte[][] fv) {
        return new StreamFields() {
            @Override
            public byte[] array(int i) {
                return fv[i];
            }

            @Override
            public int offset(int i) {
                return 0;
            }

            @Override
            public int length(int i) {
                return fv[i].length;
            }
        };
    }
}
