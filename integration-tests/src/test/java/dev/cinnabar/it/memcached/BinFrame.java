package dev.cinnabar.it.memcached;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** memcached's binary protocol frames: requests built from a corpus line, responses rendered as text. */
final class BinFrame {
    static final Map<String, Integer> OPS = new HashMap<>();
    static final Map<Integer, String> NAMES = new HashMap<>();

    static {
        String[] names = {"get", "set", "add", "replace", "delete", "incr", "decr", "quit", "flush", "getq", "noop",
            "version", "getk", "getkq", "append", "prepend", "stat", "setq", "addq", "replaceq", "deleteq", "incrq",
            "decrq", "quitq", "flushq", "appendq", "prependq", "verbosity", "touch", "gat", "gatq"};
        for (int i = 0; i < names.length; i++) {
            OPS.put(names[i], i);
        }
        OPS.put("sasl_list", 0x20);
        OPS.put("sasl_auth", 0x21);
        OPS.put("sasl_step", 0x22);
        OPS.put("gatk", 0x23);
        OPS.put("gatkq", 0x24);
        for (Map.Entry<String, Integer> e : OPS.entrySet()) {
            NAMES.put(e.getValue(), e.getKey());
        }
    }

    private BinFrame() {
    }

    static byte[] noop(int opaque) {
        return frame(0x80, 0x0a, new byte[0], new byte[0], new byte[0], 0, opaque, 0, 0, -1, -1, -1);
    }

    /** {@code OP k=v ...} as described in {@link McScript}. */
    static byte[] build(String spec) {
        String[] tok = spec.trim().split("\\s+");
        int op = tok[0].startsWith("0x") ? Integer.parseInt(tok[0].substring(2), 16) : opcode(tok[0]);
        Map<String, String> kv = new HashMap<>();
        for (int i = 1; i < tok.length; i++) {
            int eq = tok[i].indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("bin: expected key=value, got " + tok[i]);
            }
            kv.put(tok[i].substring(0, eq), tok[i].substring(eq + 1));
        }
        byte[] key = McScript.unescape(kv.getOrDefault("key", ""));
        byte[] value = McScript.unescape(kv.getOrDefault("value", ""));
        byte[] extras;
        if (kv.containsKey("extras")) {
            extras = McScript.hex(kv.get("extras"));
        } else {
            ByteBuffer e = ByteBuffer.allocate(32);
            switch (op) {
                case 0x01: case 0x02: case 0x03: case 0x11: case 0x12: case 0x13:
                    e.putInt((int) Long.parseLong(kv.getOrDefault("flags", "0")));
                    e.putInt((int) Long.parseLong(kv.getOrDefault("exp", "0")));
                    break;
                case 0x05: case 0x06: case 0x15: case 0x16:
                    e.putLong(Long.parseUnsignedLong(kv.getOrDefault("delta", "1")));
                    e.putLong(Long.parseUnsignedLong(kv.getOrDefault("initial", "0")));
                    e.putInt((int) Long.parseLong(kv.getOrDefault("exp", "0")));
                    break;
                case 0x1c: case 0x1d: case 0x1e: case 0x23: case 0x24:
                    e.putInt((int) Long.parseLong(kv.getOrDefault("exp", "0")));
                    break;
                case 0x08: case 0x18:
                    if (kv.containsKey("exp")) {
                        e.putInt((int) Long.parseLong(kv.get("exp")));
                    }
                    break;
                case 0x1b:
                    e.putInt((int) Long.parseLong(kv.getOrDefault("level", "0")));
                    break;
                default:
                    break;
            }
            extras = new byte[e.position()];
            e.flip();
            e.get(extras);
        }
        int magic = Integer.parseInt(kv.getOrDefault("magic", "80"), 16);
        return frame(magic, op, extras, key, value, Integer.parseInt(kv.getOrDefault("datatype", "0")),
                (int) Long.parseLong(kv.getOrDefault("opaque", "0")), Long.parseUnsignedLong(kv.getOrDefault("cas", "0")),
                Integer.parseInt(kv.getOrDefault("vbucket", "0")), intOr(kv.get("keylen")), intOr(kv.get("extlen")),
                intOr(kv.get("bodylen")));
    }

    private static int intOr(String s) {
        return s == null ? -1 : Integer.parseInt(s);
    }

    private static int opcode(String name) {
        Integer op = OPS.get(name.toLowerCase(Locale.ROOT));
        if (op == null) {
            throw new IllegalArgumentException("bin: unknown opcode " + name);
        }
        return op;
    }

    static byte[] frame(int magic, int op, byte[] extras, byte[] key, byte[] value, int datatype, int opaque, long cas,
            int vbucket, int keylen, int extlen, int bodylen) {
        ByteBuffer b = ByteBuffer.allocate(24 + extras.length + key.length + value.length);
        b.put((byte) magic);
        b.put((byte) op);
        b.putShort((short) (keylen >= 0 ? keylen : key.length));
        b.put((byte) (extlen >= 0 ? extlen : extras.length));
        b.put((byte) datatype);
        b.putShort((short) vbucket);
        b.putInt(bodylen >= 0 ? bodylen : extras.length + key.length + value.length);
        b.putInt(opaque);
        b.putLong(cas);
        b.put(extras);
        b.put(key);
        b.put(value);
        return b.array();
    }

    /** True when the bytes end with a complete response to the sync NOOP. */
    static boolean endsWithSync(byte[] b) {
        int pos = 0;
        while (pos + 24 <= b.length) {
            ByteBuffer h = ByteBuffer.wrap(b, pos, 24);
            if ((b[pos] & 0xff) != 0x81) {
                return false;
            }
            int body = h.getInt(pos + 8);
            if (body < 0 || pos + 24 + body > b.length) {
                return false;
            }
            if ((b[pos + 1] & 0xff) == 0x0a && h.getInt(pos + 12) == McScript.SYNC_OPAQUE) {
                return pos + 24 + body == b.length;
            }
            pos += 24 + body;
        }
        return false;
    }

    /** Each response frame as one line; stat frames with a key collapse to one line. */
    static String render(byte[] b, McScript.Side side, boolean stripSync) {
        StringBuilder out = new StringBuilder();
        int pos = 0;
        boolean inStats = false;
        while (pos < b.length) {
            if (pos + 24 > b.length || (b[pos] & 0xff) != 0x81) {
                out.append("raw:").append(new String(b, pos, b.length - pos, StandardCharsets.ISO_8859_1));
                break;
            }
            ByteBuffer h = ByteBuffer.wrap(b);
            int op = b[pos + 1] & 0xff;
            int keylen = h.getShort(pos + 2) & 0xffff;
            int extlen = b[pos + 4] & 0xff;
            int datatype = b[pos + 5] & 0xff;
            int status = h.getShort(pos + 6) & 0xffff;
            int body = h.getInt(pos + 8);
            int opaque = h.getInt(pos + 12);
            long cas = h.getLong(pos + 16);
            if (body < 0 || pos + 24 + body > b.length) {
                out.append("partial frame:").append(new String(b, pos, b.length - pos, StandardCharsets.ISO_8859_1));
                break;
            }
            int p = pos + 24;
            pos += 24 + body;
            if (stripSync && op == 0x0a && opaque == McScript.SYNC_OPAQUE && pos == b.length) {
                break;
            }
            if (op == 0x10 && keylen > 0 && status == 0) {
                if (!inStats) {
                    out.append("< stat STAT...\n");
                    inStats = true;
                }
                continue;
            }
            inStats = false;
            String name = NAMES.getOrDefault(op, String.format(Locale.ROOT, "0x%02x", op));
            out.append("< ").append(name).append(String.format(Locale.ROOT, " status=%04x", status));
            if (datatype != 0) {
                out.append(" dt=").append(datatype);
            }
            if (opaque != 0) {
                out.append(" opaque=").append(Integer.toUnsignedString(opaque));
            }
            out.append(" cas=").append(side.token(cas));
            if (extlen > 0) {
                out.append(" extras=").append(hexOf(b, p, Math.min(extlen, body)));
            }
            if (keylen > 0 && extlen + keylen <= body) {
                out.append(" key=").append(McScript.show(new String(b, p + extlen, keylen, StandardCharsets.ISO_8859_1)));
            }
            int vlen = body - extlen - keylen;
            if (vlen > 0) {
                String v = new String(b, p + extlen + keylen, vlen, StandardCharsets.ISO_8859_1);
                boolean arith = op == 0x05 || op == 0x06 || op == 0x15 || op == 0x16;
                if (arith && status == 0 && vlen == 8) {
                    out.append(" value=u64:").append(Long.toUnsignedString(h.getLong(p + extlen + keylen)));
                } else {
                    out.append(" value=").append(op == 0x0b && status == 0 ? "<v>" : McScript.show(v));
                }
            }
            out.append('\n');
        }
        return out.toString();
    }

    static String hexOf(byte[] b, int off, int len) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < len; i++) {
            s.append(String.format(Locale.ROOT, "%02x", b[off + i] & 0xff));
        }
        return s.toString();
    }
}
