package dev.cinnabar.persistence.rdb;

/**
 * The numbers of Redis 7.0's RDB format (version 10): value type bytes, opcodes between keys,
 * and the special string encodings. Redis 7.0 writes only the types marked "written"; the others
 * come from older versions and are read, converted to what 7.0 would hold.
 */
public final class Rdb {
    private Rdb() {
    }

    /** The version Redis 7.0 writes, in the header ("REDIS0010") and in DUMP payloads. */
    public static final int VERSION = 10;

    // Value types (the byte before a key).
    public static final int TYPE_STRING = 0; // written
    public static final int TYPE_LIST = 1;
    public static final int TYPE_SET = 2; // written: a set in hashtable encoding
    public static final int TYPE_ZSET = 3;
    public static final int TYPE_HASH = 4; // written: a hash in hashtable encoding
    public static final int TYPE_ZSET_2 = 5; // written: a skiplist zset, binary double scores
    public static final int TYPE_MODULE = 6;
    public static final int TYPE_MODULE_2 = 7;
    public static final int TYPE_HASH_ZIPMAP = 9;
    public static final int TYPE_LIST_ZIPLIST = 10;
    public static final int TYPE_SET_INTSET = 11; // written
    public static final int TYPE_ZSET_ZIPLIST = 12;
    public static final int TYPE_HASH_ZIPLIST = 13;
    public static final int TYPE_LIST_QUICKLIST = 14;
    public static final int TYPE_STREAM_LISTPACKS = 15;
    public static final int TYPE_HASH_LISTPACK = 16; // written
    public static final int TYPE_ZSET_LISTPACK = 17; // written
    public static final int TYPE_LIST_QUICKLIST_2 = 18; // written
    public static final int TYPE_STREAM_LISTPACKS_2 = 19; // written
    // Redis 7.4's hashes with field expiry times (HEXPIRE), which 7.0 has no format for: written
    // for such hashes only, so that their times survive; Redis 7.0 refuses them.
    public static final int TYPE_HASH_METADATA = 24;
    public static final int TYPE_HASH_LISTPACK_EX = 25;

    /** Redis 7.0's rdbIsObjectType (and the two hash types of 7.4): what may follow a key's opcodes. */
    public static boolean isObjectType(int t) {
        return (t >= 0 && t <= 7) || (t >= 9 && t <= 19) || t == TYPE_HASH_METADATA || t == TYPE_HASH_LISTPACK_EX;
    }

    // Opcodes.
    public static final int OPCODE_FUNCTION2 = 245;
    public static final int OPCODE_FUNCTION = 246; // 7.0 release candidates only; refused
    public static final int OPCODE_MODULE_AUX = 247;
    public static final int OPCODE_IDLE = 248;
    public static final int OPCODE_FREQ = 249;
    public static final int OPCODE_AUX = 250;
    public static final int OPCODE_RESIZEDB = 251;
    public static final int OPCODE_EXPIRETIME_MS = 252;
    public static final int OPCODE_EXPIRETIME = 253;
    public static final int OPCODE_SELECTDB = 254;
    public static final int OPCODE_EOF = 255;

    // Lengths: the two top bits of the first byte.
    static final int LEN_6BIT = 0;
    static final int LEN_14BIT = 1;
    static final int LEN_32BIT = 0x80;
    static final int LEN_64BIT = 0x81;
    static final int LEN_ENCODED = 3;

    // Special string encodings (after a length byte 11xxxxxx).
    public static final int ENC_INT8 = 0;
    public static final int ENC_INT16 = 1;
    public static final int ENC_INT32 = 2;
    public static final int ENC_LZF = 3;

    // Quicklist 2 node containers.
    public static final int QUICKLIST_NODE_PLAIN = 1;
    public static final int QUICKLIST_NODE_PACKED = 2;
}
