package dev.cinnabar.server.commands;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.IntSupplier;

/**
 * The two pictures LOLWUT draws, with Redis 7.0.15's geometry: its float arithmetic (sizes and
 * positions are C floats truncated to ints, so the pictures have Redis's dimensions exactly),
 * its line algorithm and its text encodings. The random numbers come from {@code rand}, which
 * stands for C's rand() (0 to {@link #RAND_MAX}).
 */
final class LolwutArt {
    static final int RAND_MAX = Integer.MAX_VALUE;

    /** The terminal colours of the skyline, by pixel value 0 (black) to 3 (white). */
    private static final byte[][] SHADES = {
        ansi("0;30;40m"), ansi("0;90;100m"), ansi("0;37;47m"), ansi("0;97;107m"),
    };

    private LolwutArt() {
    }

    private static byte[] ansi(String colour) {
        return ("\033[" + colour + " \033[0m").getBytes(StandardCharsets.US_ASCII);
    }

    /** C's round(): halves go away from zero. */
    static double roundC(double v) {
        if (v < 0) {
            return -roundC(-v);
        }
        double whole = Math.floor(v);
        return v - whole >= 0.5 ? whole + 1 : whole;
    }

    /** One bit per pixel: Schotter's canvas can be hundreds of millions of pixels. */
    static final class Bitmap {
        final int width;
        final int height;
        private final long[] words;

        Bitmap(int width, int height) {
            this.width = width;
            this.height = height;
            this.words = new long[(int) (((long) width * height + 63) >>> 6)];
        }

        void set(int x, int y) {
            if (x >= 0 && x < width && y >= 0 && y < height) {
                long i = (long) y * width + x;
                words[(int) (i >>> 6)] |= 1L << i;
            }
        }

        boolean get(int x, int y) {
            if (x < 0 || x >= width || y < 0 || y >= height) {
                return false;
            }
            long i = (long) y * width + x;
            return (words[(int) (i >>> 6)] & (1L << i)) != 0;
        }

        /** Bresenham's line from (x1, y1) to (x2, y2), both ends included. */
        void line(int x1, int y1, int x2, int y2) {
            int dx = Math.abs(x2 - x1);
            int dy = Math.abs(y2 - y1);
            int stepX = x1 < x2 ? 1 : -1;
            int stepY = y1 < y2 ? 1 : -1;
            int err = dx - dy;
            while (true) {
                set(x1, y1);
                if (x1 == x2 && y1 == y2) {
                    return;
                }
                int twice = err * 2;
                if (twice > -dy) {
                    err -= dy;
                    x1 += stepX;
                }
                if (twice < dx) {
                    err += dx;
                    y1 += stepY;
                }
            }
        }

        /**
         * A square of side about {@code side} centred on (cx, cy) and turned by {@code angle}
         * radians: its corners lie on a circle, a quarter turn apart.
         */
        void square(int cx, int cy, float side, float angle) {
            float radius = (float) (side / 1.4142135623);
            radius = (float) roundC(radius);
            int[] xs = new int[4];
            int[] ys = new int[4];
            float k = (float) (Math.PI / 4 + angle);
            for (int j = 0; j < 4; j++) {
                xs[j] = (int) roundC(Math.sin(k) * radius + cx);
                ys[j] = (int) roundC(Math.cos(k) * radius + cy);
                k = (float) (k + Math.PI / 2);
            }
            for (int j = 0; j < 4; j++) {
                line(xs[j], ys[j], xs[(j + 1) & 3], ys[(j + 1) & 3]);
            }
        }
    }

    /**
     * After Georg Nees's Schotter: a grid of squares that tumble more the lower their row,
     * {@code cols} characters wide, drawn in Braille cells of 2x4 pixels, then {@code caption}.
     */
    static byte[] schotter(int cols, int perRow, int perCol, String caption, IntSupplier rand) {
        int width = cols * 2;
        int padding = width > 4 ? 2 : 0;
        float side = (float) (width - padding * 2) / perRow;
        int height = (int) (side * perCol + padding * 2);
        Bitmap canvas = new Bitmap(width, height);
        for (int row = 0; row < perCol; row++) {
            for (int col = 0; col < perRow; col++) {
                int cx = (int) (col * side + side / 2 + padding);
                int cy = (int) (row * side + side / 2 + padding);
                float angle = 0;
                // The first two rows stand straight; below them the disorder grows row by row.
                if (row > 1) {
                    float turn = (float) rand.getAsInt() / (float) RAND_MAX / perCol * row;
                    float shiftX = (float) rand.getAsInt() / (float) RAND_MAX / perCol * row;
                    float shiftY = (float) rand.getAsInt() / (float) RAND_MAX / perCol * row;
                    if (rand.getAsInt() % 2 != 0) {
                        turn = -turn;
                    }
                    if (rand.getAsInt() % 2 != 0) {
                        shiftX = -shiftX;
                    }
                    if (rand.getAsInt() % 2 != 0) {
                        shiftY = -shiftY;
                    }
                    angle = turn;
                    cx += shiftX * side / 3;
                    cy += shiftY * side / 3;
                }
                canvas.square(cx, cy, side, angle);
            }
        }
        return braille(canvas, caption.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The bitmap as lines of Braille characters (U+2800 plus the cell's dots: bits 0-2 the
     * left column's top three pixels, 3-5 the right column's, 6 and 7 the bottom pair), each
     * line ended by a newline except one whose cell row starts on the last pixel row.
     */
    private static byte[] braille(Bitmap canvas, byte[] caption) {
        int width = canvas.width;
        int height = canvas.height;
        int lines = (height + 3) / 4;
        boolean lastUnended = height > 0 && (height - 1) % 4 == 0;
        long size = (long) lines * (width / 2 + width % 2) * 3 + lines - (lastUnended ? 1 : 0) + caption.length;
        byte[] out = new byte[Math.toIntExact(size)];
        int p = 0;
        for (int y = 0; y < height; y += 4) {
            for (int x = 0; x < width; x += 2) {
                int dots = 0;
                dots |= canvas.get(x, y) ? 1 : 0;
                dots |= canvas.get(x, y + 1) ? 1 << 1 : 0;
                dots |= canvas.get(x, y + 2) ? 1 << 2 : 0;
                dots |= canvas.get(x + 1, y) ? 1 << 3 : 0;
                dots |= canvas.get(x + 1, y + 1) ? 1 << 4 : 0;
                dots |= canvas.get(x + 1, y + 2) ? 1 << 5 : 0;
                dots |= canvas.get(x, y + 3) ? 1 << 6 : 0;
                dots |= canvas.get(x + 1, y + 3) ? 1 << 7 : 0;
                int code = 0x2800 + dots;
                out[p++] = (byte) (0xE0 | (code >> 12));
                out[p++] = (byte) (0x80 | ((code >> 6) & 0x3F));
                out[p++] = (byte) (0x80 | (code & 0x3F));
            }
            if (y != height - 1) {
                out[p++] = '\n';
            }
        }
        System.arraycopy(caption, 0, out, p, caption.length);
        return out;
    }

    /**
     * A city skyline after 8-bit games' parallax backgrounds, {@code cols} by {@code rows}
     * terminal cells in four shades on white: plain light-grey towers at the back, plain
     * dark-grey ones before them, then black towers with lit windows. Then {@code caption}.
     */
    static byte[] skyline(int cols, int rows, String caption, IntSupplier rand) {
        byte[] pixels = new byte[cols * rows];
        Arrays.fill(pixels, (byte) 3);
        for (int shade = 2; shade >= 1; shade--) {
            for (int offset = -10; offset < cols;) {
                offset += rand.getAsInt() % 8;
                int width = 10 + rand.getAsInt() % 9;
                int height = rows / 2 + (rand.getAsInt() % rows) / (shade == 2 ? 2 : 3);
                tower(pixels, cols, rows, offset, width, height, shade, false, rand);
                offset += shade == 2 ? width / 2 : width + 1;
            }
        }
        for (int offset = -10; offset < cols;) {
            offset += rand.getAsInt() % 8;
            int width = 5 + rand.getAsInt() % 14;
            if (width % 4 != 0) {
                width += width % 3;
            }
            int height = rows / 3 + (rand.getAsInt() % rows) / 2;
            tower(pixels, cols, rows, offset, width, height, 0, true, rand);
            offset += width + 5;
        }
        return ansiText(pixels, cols, rows, caption.getBytes(StandardCharsets.US_ASCII));
    }

    private static int pixel(byte[] pixels, int cols, int rows, int x, int y) {
        return x < 0 || x >= cols || y < 0 || y >= rows ? 0 : pixels[y * cols + x];
    }

    /**
     * One tower standing on the bottom row, its top row two pixels narrower on each side;
     * windows (two pixels wide, one tall, a random grey other than the wall's) stay off its
     * edges.
     */
    private static void tower(byte[] pixels, int cols, int rows, int left, int width, int height,
            int shade, boolean windows, IntSupplier rand) {
        int bottom = rows - 1;
        int top = bottom - height + 1;
        int right = left + width;
        for (int y = bottom; y >= top; y--) {
            for (int x = left; x < right; x++) {
                if (y == top && (x <= left + 1 || x >= right - 2)) {
                    continue;
                }
                int colour = shade;
                if (windows && x > left + 1 && x < right - 2 && y > top + 1 && y < bottom - 1) {
                    int relX = x - (left + 1);
                    int relY = y - (top + 1);
                    if ((relX / 2) % 2 != 0 && relY % 2 != 0) {
                        do {
                            colour = 1 + rand.getAsInt() % 2;
                        } while (colour == shade);
                        // The window's second pixel takes the first one's grey.
                        if (relX % 2 != 0) {
                            colour = pixel(pixels, cols, rows, x - 1, y);
                        }
                    }
                }
                if (x >= 0 && x < cols && y >= 0 && y < rows) {
                    pixels[y * cols + x] = (byte) colour;
                }
            }
        }
    }

    /** Each pixel as a space in its colour (foreground and background), rows ended by newlines but the last. */
    private static byte[] ansiText(byte[] pixels, int cols, int rows, byte[] caption) {
        long size = (long) rows - 1 + caption.length;
        for (byte px : pixels) {
            size += SHADES[px].length;
        }
        byte[] out = new byte[Math.toIntExact(size)];
        int p = 0;
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < cols; x++) {
                byte[] cell = SHADES[pixels[y * cols + x]];
                System.arraycopy(cell, 0, out, p, cell.length);
                p += cell.length;
            }
            if (y != rows - 1) {
                out[p++] = '\n';
            }
        }
        System.arraycopy(caption, 0, out, p, caption.length);
        return out;
    }
}
