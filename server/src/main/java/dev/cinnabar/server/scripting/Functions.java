package dev.cinnabar.server.scripting;

import dev.cinnabar.persistence.rdb.Crc64;
import dev.cinnabar.persistence.rdb.RdbFormatException;
import dev.cinnabar.persistence.rdb.RdbInput;
import dev.cinnabar.persistence.rdb.RdbOutput;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.protocol.ArgumentSplitter;
import dev.cinnabar.server.client.Client;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Redis 7.0's functions: libraries loaded with FUNCTION LOAD ({@code #!lua name=...} and
 * {@code redis.register_function}), called with FCALL. They run in an environment of their own,
 * as Redis gives them a Lua state of their own: while a library loads, its code sees only the
 * loading API ({@code redis.register_function}, {@code redis.log}, the version); its functions,
 * when called, see the same globals as EVAL scripts.
 */
public final class Functions {
    static final String CHUNK = "user_function";
    static final String[] FLAG_NAMES = {"no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"};

    private final Scripting engine;
    /** Libraries by name (case counts), functions by lowercase name (it does not), in load order. */
    private final Map<String, Library> libraries = new LinkedHashMap<>();
    private final Map<String, Function> functions = new LinkedHashMap<>();
    private ProtectedGlobals env;
    private LuaTable runtimeGlobals;
    private LuaTable loadGlobals;
    /** Where the environment's unknown names are looked up: the loading API or the globals. */
    private LuaTable lookup;

    /** The library being loaded; null otherwise (redis.register_function is refused then). */
    private Library loading;

    public record Function(String name, String description, int flags, LuaValue callback, Library library) {
    }

    public static final class Library {
        public final String name;
        public final byte[] code;
        final Map<String, Function> functions = new LinkedHashMap<>();

        Library(String name, byte[] code) {
            this.name = name;
            this.code = code;
        }

        public java.util.Collection<Function> functions() {
            return functions.values();
        }
    }

    /** Thrown with the whole error reply. */
    public static final class LoadError extends Exception {
        private static final long serialVersionUID = 1L;

        LoadError(String reply) {
            super(reply, null, false, false);
        }
    }

    Functions(Scripting engine) {
        this.engine = engine;
        reset();
    }

    /** FUNCTION FLUSH: no libraries, a fresh environment. */
    public void reset() {
        libraries.clear();
        functions.clear();
        Globals g = Scripting.baseGlobals(engine.random);
        RedisApi.install(engine, g, false);
        g.setmetatable(nonexistentGlobalError());
        ProtectedGlobals globals = ProtectedGlobals.copyOf(g);
        g.setmetatable(null);
        runtimeGlobals = globals;

        LuaTable api = new LuaTable();
        LuaTable redis = new LuaTable();
        redis.rawset("register_function", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return register(args);
            }
        });
        LuaValue real = g.get("redis");
        for (String k : new String[] {"log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING", "REDIS_VERSION",
            "REDIS_VERSION_NUM"}) {
            redis.rawset(k, real.get(k));
        }
        redis.setmetatable(nonexistentGlobalError());
        api.rawset("redis", redis);
        api.setmetatable(nonexistentGlobalError());
        loadGlobals = ProtectedTable.copyOf(api, ProtectedTable.newMemo());

        // The environment itself is empty: every name goes through the switch.
        Globals shell = new Globals();
        LuaTable mt = new LuaTable();
        mt.rawset(LuaValue.INDEX, new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return lookup.get(args.arg(2));
            }
        });
        shell.setmetatable(mt);
        env = ProtectedGlobals.copyOf(shell);
        env.debuglib = engine.hook();
        globals.bindLoadstring(env);
        env.compiler = g.compiler;
        lookup = runtimeGlobals;
    }

    static LuaTable nonexistentGlobalError() {
        LuaTable mt = new LuaTable();
        mt.rawset(LuaValue.INDEX, new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                throw new LuaError("Script attempted to access nonexistent global variable '"
                        + args.arg(2).tojstring() + "'");
            }
        });
        return mt;
    }

    public java.util.Collection<Library> libraries() {
        return libraries.values();
    }

    public int functionCount() {
        return functions.size();
    }

    public Function function(String name) {
        return functions.get(name.toLowerCase(Locale.ROOT));
    }

    public boolean deleteLibrary(String name) {
        Library li = libraries.get(name);
        if (li == null) {
            return false;
        }
        unlink(li, libraries, functions);
        return true;
    }

    private static void unlink(Library li, Map<String, Library> libs, Map<String, Function> fns) {
        libs.remove(li.name);
        for (Function f : li.functions.values()) {
            fns.remove(f.name().toLowerCase(Locale.ROOT));
        }
    }

    private static void link(Library li, Map<String, Library> libs, Map<String, Function> fns) {
        libs.put(li.name, li);
        for (Function f : li.functions.values()) {
            fns.put(f.name().toLowerCase(Locale.ROOT), f);
        }
    }

    /** FUNCTION DUMP: Redis's payload (each library's code as an RDB string, version, CRC64). */
    public byte[] dump(boolean compress) {
        RdbOutput out = new RdbOutput(compress);
        for (Library li : libraries.values()) {
            out.writeByte(FUNCTION2);
            out.writeString(li.code);
        }
        out.writeLittleEndian(RDB_VERSION, 2);
        out.writeLittleEndian(out.crc(), 8);
        return out.toByteArray();
    }

    static final int FUNCTION2 = 245;
    static final int FUNCTION_PRE_GA = 246;
    static final int RDB_VERSION = 10;

    /** FUNCTION RESTORE's policies. */
    public enum Policy { APPEND, REPLACE, FLUSH }

    /** FUNCTION RESTORE: null when done, else the error reply. */
    public String restore(byte[] payload, Policy policy) {
        return restore(payload, policy, true);
    }

    /** {@link #restore(byte[], Policy)}, the CRC64 checked unless {@code checkCrc} is false (DEBUG SET-SKIP-CHECKSUM-VALIDATION). */
    public String restore(byte[] payload, Policy policy, boolean checkCrc) {
        int len = payload.length;
        if (len < 10) {
            return "ERR DUMP payload version or checksum are wrong";
        }
        int version = (payload[len - 10] & 0xff) | (payload[len - 9] & 0xff) << 8;
        long crc = 0;
        for (int i = 0; i < 8; i++) {
            crc |= (long) (payload[len - 8 + i] & 0xff) << (8 * i);
        }
        if (version > RDB_VERSION || (checkCrc && Crc64.of(payload, 0, len - 8) != crc)) {
            return "ERR DUMP payload version or checksum are wrong";
        }
        Map<String, Library> libs = new LinkedHashMap<>();
        Map<String, Function> fns = new LinkedHashMap<>();
        RdbInput in = new RdbInput(payload, 0, len - 10);
        while (in.position() < len - 10) {
            int type;
            byte[] code;
            try {
                type = in.readType();
            } catch (RdbFormatException e) {
                return "ERR Failed loading library payload"; // not reached: a byte is left
            }
            if (type != FUNCTION2 && type != FUNCTION_PRE_GA) {
                return "ERR given type is not a function";
            }
            if (type == FUNCTION_PRE_GA) {
                return "ERR failed loading the given functions payload";
            }
            try {
                code = in.readString();
            } catch (RdbFormatException e) {
                return "ERR Failed loading library payload";
            }
            try {
                create(code, false, libs, fns, "ERR ", 0);
            } catch (LoadError e) {
                return e.getMessage();
            }
        }
        if (policy == Policy.FLUSH) {
            replaceAll(libs);
            return null;
        }
        List<Library> replaced = new ArrayList<>();
        for (Library li : libs.values()) {
            Library old = libraries.get(li.name);
            if (old != null) {
                if (policy != Policy.REPLACE) {
                    for (Library r : replaced) {
                        link(r, libraries, functions);
                    }
                    return "ERR Library " + li.name + " already exists";
                }
                unlink(old, libraries, functions);
                replaced.add(old);
            }
        }
        for (Function f : fns.values()) {
            if (functions.containsKey(f.name().toLowerCase(Locale.ROOT))) {
                for (Library r : replaced) {
                    link(r, libraries, functions);
                }
                return "ERR Function " + f.name() + " already exists";
            }
        }
        for (Library li : libs.values()) {
            link(li, libraries, functions);
        }
        return null;
    }

    static boolean validName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** How long FUNCTION LOAD lets a library's code run (Redis's LOAD_TIMEOUT_MS); restores have no limit. */
    static final long LOAD_TIMEOUT_MILLIS = 500;

    /**
     * Libraries loaded apart from the live ones, by a replica's swapdb load (Redis's
     * temp_functions_lib_ctx): their names clash only among themselves, FCALL still finds the
     * old ones, and {@link #adopt} links them in once the load succeeded.
     */
    public final class Staged {
        private final Map<String, Library> libraries = new LinkedHashMap<>();
        private final Map<String, Function> functions = new LinkedHashMap<>();

        private Staged() {
        }

        /** A library of the RDB being loaded; a LoadError with Redis's text if it cannot be. */
        public void load(byte[] code) throws LoadError {
            create(code, false, libraries, functions, "ERR ", LOAD_TIMEOUT_MILLIS);
        }
    }

    public Staged stage() {
        return new Staged();
    }

    /**
     * The staged libraries replace every live one (Redis's functionsLibCtxSwapWithCurrent);
     * {@code null}, a load that had none: no library is left.
     */
    public void adopt(Staged staged) {
        replaceAll(staged == null ? Map.of() : staged.libraries);
    }

    /** Every live library goes; {@code libs} takes their place. */
    private void replaceAll(Map<String, Library> libs) {
        libraries.clear();
        functions.clear();
        for (Library li : libs.values()) {
            link(li, libraries, functions);
        }
    }

    /** FUNCTION LOAD: the library's name, or a LoadError with Redis's text. */
    public String load(byte[] code, boolean replace) throws LoadError {
        return create(code, replace, libraries, functions, "ERR ", LOAD_TIMEOUT_MILLIS);
    }

    /**
     * Redis's functionsCreateWithLibraryCtx: compiles {@code code} and links the library into
     * {@code libs}/{@code fns}. {@code prefix} goes before each error text ("ERR ", or nothing
     * where the caller adds its own).
     */
    private String create(byte[] code, boolean replace, Map<String, Library> libs, Map<String, Function> fns,
            String prefix, long timeoutMillis) throws LoadError {
        try {
            return create(code, replace, libs, fns, timeoutMillis);
        } catch (LoadError e) {
            throw new LoadError(prefix + e.getMessage().substring(4));
        }
    }

    private String create(byte[] code, boolean replace, Map<String, Library> libs, Map<String, Function> fns,
            long timeoutMillis) throws LoadError {
        if (code.length < 2 || code[0] != '#' || code[1] != '!') {
            throw new LoadError("ERR Missing library metadata");
        }
        int end = -1;
        for (int i = 0; i < code.length; i++) {
            if (code[i] == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0) {
            throw new LoadError("ERR Invalid library metadata");
        }
        List<byte[]> parts = ArgumentSplitter.split(java.util.Arrays.copyOf(code, end));
        if (parts == null || parts.isEmpty()) {
            throw new LoadError("ERR Invalid library metadata");
        }
        String engineName = latin1(parts.get(0)).substring(2);
        String name = null;
        for (int i = 1; i < parts.size(); i++) {
            String part = latin1(parts.get(i));
            if (part.regionMatches(true, 0, "name=", 0, 5)) {
                if (name != null) {
                    throw new LoadError("ERR Invalid metadata value, name argument was given multiple times");
                }
                name = part.substring(5);
                continue;
            }
            throw new LoadError("ERR Invalid metadata value given: " + part);
        }
        if (name == null) {
            throw new LoadError("ERR Library name was not given");
        }
        if (!validName(name)) {
            throw new LoadError("ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long");
        }
        if (!engineName.equalsIgnoreCase("lua")) {
            throw new LoadError("ERR Engine '" + engineName + "' not found");
        }
        String key = name;
        Library old = libs.get(key);
        if (old != null && !replace) {
            throw new LoadError("ERR Library '" + name + "' already exists");
        }
        Library li = new Library(name, code);
        Prototype p;
        try {
            p = env.compilePrototype(new ByteArrayInputStream(code, end, code.length - end), "@" + CHUNK);
        } catch (LuaError e) {
            throw new LoadError("ERR Error compiling function: " + Scripting.compileMessage(e, CHUNK));
        } catch (Exception | StackOverflowError e) {
            throw new LoadError("ERR Error compiling function: " + CHUNK + ": " + e.getMessage());
        }
        LuaClosure chunk = new LuaClosure(p, env);
        loading = li;
        lookup = loadGlobals;
        engine.random.allow(false);
        engine.hook().loadDeadline(timeoutMillis);
        try {
            chunk.call();
        } catch (LuaError | StackOverflowError e) {
            LuaValue v = Scripting.errorValue(e);
            String msg;
            if (v.istable() && v.rawget(LuaReplies.ERR).isstring()) {
                msg = v.rawget(LuaReplies.ERR).tojstring();
            } else {
                msg = "ERR " + v.tojstring();
            }
            throw new LoadError("ERR Error registering functions: " + msg);
        } finally {
            engine.hook().loadDeadline(0);
            loading = null;
            lookup = runtimeGlobals;
            engine.random.allow(true);
        }
        if (li.functions.isEmpty()) {
            throw new LoadError("ERR No functions registered");
        }
        for (Function f : li.functions.values()) {
            Function existing = fns.get(f.name().toLowerCase(Locale.ROOT));
            if (existing != null && existing.library() != old) {
                throw new LoadError("ERR Function " + f.name() + " already exists");
            }
        }
        if (old != null) {
            unlink(old, libs, fns);
        }
        link(li, libs, fns);
        return name;
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** redis.register_function(name, callback) or redis.register_function{...}. */
    private Varargs register(Varargs args) {
        Library li = loading;
        if (li == null) {
            throw RedisApi.raise("redis.register_function can only be called on FUNCTION LOAD command");
        }
        int argc = args.narg();
        if (argc < 1 || argc > 2) {
            throw RedisApi.raise("wrong number of arguments to redis.register_function");
        }
        String name = null;
        String desc = null;
        LuaValue callback = null;
        int flags = 0;
        if (argc == 1) {
            if (!args.arg1().istable()) {
                throw RedisApi.raise("calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).");
            }
            LuaTable t = (LuaTable) args.arg1();
            LuaValue k = LuaValue.NIL;
            while (true) {
                Varargs next = t.next(k);
                k = next.arg1();
                if (k.isnil()) {
                    break;
                }
                LuaValue v = next.arg(2);
                if (!k.isstring()) {
                    throw RedisApi.raise("named argument key given to redis.register_function is not a string");
                }
                String key = k.tojstring();
                if (key.equalsIgnoreCase("function_name")) {
                    if (!v.isstring()) {
                        throw RedisApi.raise("function_name argument given to redis.register_function must be a string");
                    }
                    name = v.tojstring();
                } else if (key.equalsIgnoreCase("description")) {
                    if (!v.isstring()) {
                        throw RedisApi.raise("description argument given to redis.register_function must be a string");
                    }
                    desc = v.tojstring();
                } else if (key.equalsIgnoreCase("callback")) {
                    if (!v.isfunction()) {
                        throw RedisApi.raise("callback argument given to redis.register_function must be a function");
                    }
                    callback = v;
                } else if (key.equalsIgnoreCase("flags")) {
                    if (!v.istable()) {
                        throw RedisApi.raise("flags argument to redis.register_function must be a table representing function flags");
                    }
                    flags = readFlags((LuaTable) v);
                    if (flags < 0) {
                        throw RedisApi.raise("unknown flag given");
                    }
                } else {
                    throw RedisApi.raise("unknown argument given to redis.register_function");
                }
            }
            if (name == null) {
                throw RedisApi.raise("redis.register_function must get a function name argument");
            }
            if (callback == null) {
                throw RedisApi.raise("redis.register_function must get a callback argument");
            }
        } else {
            if (!args.arg1().isstring()) {
                throw RedisApi.raise("first argument to redis.register_function must be a string");
            }
            if (!args.arg(2).isfunction()) {
                throw RedisApi.raise("second argument to redis.register_function must be a function");
            }
            name = args.arg1().tojstring();
            callback = args.arg(2);
        }
        if (!validName(name)) {
            throw RedisApi.raise("Library names can only contain letters, numbers, or underscores(_) and must be at least one character long");
        }
        String key = name.toLowerCase(Locale.ROOT);
        if (li.functions.containsKey(key)) {
            throw RedisApi.raise("Function already exists in the library");
        }
        li.functions.put(key, new Function(name, desc, flags, callback, li));
        return LuaValue.NONE;
    }

    private static int readFlags(LuaTable t) {
        int flags = 0;
        for (int j = 1; ; j++) {
            LuaValue v = t.get(j);
            if (v.isnil()) {
                return flags;
            }
            if (!v.isstring()) {
                return -1;
            }
            String s = v.tojstring();
            int found = -1;
            for (int i = 0; i < FLAG_NAMES.length; i++) {
                if (FLAG_NAMES[i].equalsIgnoreCase(s)) {
                    found = i;
                }
            }
            if (found < 0) {
                return -1;
            }
            flags |= 1 << found;
        }
    }

    /** FCALL and FCALL_RO, once the function was found and the key count checked. */
    public void call(Client caller, Function f, Argv argv, int numkeys, boolean ro) {
        engine.run(caller, f.callback(), f.name(), CHUNK, f.flags(), false, argv, 3, numkeys, ro);
    }

    /** The flag names of {@code flags}, in Redis's order. */
    public static List<String> flagNames(int flags) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < FLAG_NAMES.length; i++) {
            if ((flags & (1 << i)) != 0) {
                out.add(FLAG_NAMES[i]);
            }
        }
        return out;
    }
}
