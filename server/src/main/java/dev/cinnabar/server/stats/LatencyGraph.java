package dev.cinnabar.server.stats;

import java.util.ArrayList;
import java.util.List;

/**
 * LATENCY GRAPH's chart: a title line, a rule, then the samples oldest first as a four-row ASCII
 * sparkline, each column labelled underneath, vertically, with how long ago it was recorded
 * ({@code 5s}, {@code 3m}, {@code 2h}, {@code 1d}). Charts wider than 80 columns wrap into blocks.
 */
public final class LatencyGraph {
    static final int COLUMNS = 80;
    static final int ROWS = 4;
    /** Glyphs from the bottom to the top of one row; a column under a taller bar is filled with '|'. */
    private static final char[] GLYPHS = {'_', 'o', '#'};

    private LatencyGraph() {
    }

    public static String render(LatencyMonitor.Series series, long nowSeconds) {
        List<long[]> samples = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        series.forEach((time, millis) -> {
            samples.add(new long[] {millis});
            labels.add(ago(nowSeconds - time));
        });
        long min = 0;
        long max = 0;
        for (int i = 0; i < samples.size(); i++) {
            long v = samples.get(i)[0];
            if (i == 0) {
                min = max = v;
            } else {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(series.event).append(" - high ").append(max).append(" ms, low ").append(min)
                .append(" ms (all time high ").append(series.max).append(" ms)\n");
        out.append("-".repeat(COLUMNS)).append('\n');
        for (int from = 0; from < samples.size(); from += COLUMNS) {
            if (from != 0) {
                out.append('\n');
            }
            int len = Math.min(COLUMNS, samples.size() - from);
            block(out, samples, labels, from, len, min, max);
        }
        return out.toString();
    }

    private static void block(StringBuilder out, List<long[]> samples, List<String> labels, int from, int len,
                              long min, long max) {
        double range = max - min == 0 ? 1 : max - min;
        int steps = GLYPHS.length * ROWS;
        char[] line = new char[len];
        for (int row = 0; ; row++) {
            java.util.Arrays.fill(line, ' ');
            boolean more = false;
            if (row < ROWS) {
                more = true;
                for (int j = 0; j < len; j++) {
                    double relative = samples.get(from + j)[0] - min;
                    // The scaled value is truncated before the division, as the C original does.
                    int step = (int) ((int) (relative * steps) / range);
                    step = Math.max(0, Math.min(steps - 1, step));
                    int glyph = step - (ROWS - row - 1) * GLYPHS.length;
                    if (glyph >= 0 && glyph < GLYPHS.length) {
                        line[j] = GLYPHS[glyph];
                    } else if (glyph >= GLYPHS.length) {
                        line[j] = '|';
                    }
                }
            } else if (row == ROWS) {
                // One blank line between the chart and the labels (every sample has a label).
                more = len > 0;
            } else {
                int at = row - ROWS - 1;
                for (int j = 0; j < len; j++) {
                    String label = labels.get(from + j);
                    if (label.length() > at) {
                        more = true;
                        line[j] = label.charAt(at);
                    }
                }
            }
            if (!more) {
                return;
            }
            out.append(line).append('\n');
        }
    }

    /** How long ago, in the largest unit that is at least one. */
    static String ago(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        } else if (seconds < 3600) {
            return seconds / 60 + "m";
        } else if (seconds < 86400) {
            return seconds / 3600 + "h";
        }
        return seconds / 86400 + "d";
    }
}
