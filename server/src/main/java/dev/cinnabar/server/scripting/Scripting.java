package dev.cinnabar.server.scripting;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.BusyState;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.LongTask;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.lua.LuaSandbox;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaThread;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The EVAL engine of one server, Redis's {@code lctx}: the Lua environment (LuaJ's globals from
 * {@link LuaSandbox} with the {@code redis} table and Redis's global protection on top), the
 * script cache ({@link ScriptCache}: compiled once per SHA1, parsed again only when more scripts
 * ran since than it keeps compiled), the connection scripts run their
 * commands through, and the run in progress. Engine thread only.
 */
public final class Scripting {
    /** The chunk name scripts are compiled under; Redis's errors say {@code user_script:N:}. */
    static final String CHUNK = "user_script";
    /** The name scripts are compiled under; Lua 5.1 shows it without the {@code @}. */
    static final String CHUNK_NAME = "@user_script";

    final ServerContext server;
    /** The connection {@code redis.call} runs commands on (MONITOR shows it as {@code lua}). */
    final Client client;
    private final ByteBuf clientOutput = Unpooled.buffer(256);
    Globals globals;
    ProtectedGlobals env;
    private SharedNames names;
    private final ScriptHook hook = new ScriptHook();
    /** The Lua debugger's session while an EVAL runs under SCRIPT DEBUG SYNC; null otherwise. */
    LuaDebugger debugger;
    /** math.random's generator, one per server as Redis has one per process. */
    final dev.cinnabar.server.lua.LuaRandom random = new dev.cinnabar.server.lua.LuaRandom();
    private Functions functions;
    private final ScriptCache scripts = new ScriptCache();
    private long scriptsMemory;
    private static final LuaString KEYS = LuaString.valueOf("KEYS");
    private static final LuaString ARGV = LuaString.valueOf("ARGV");
    /** The script running now, or null. */
    ScriptRun running;

    /**
     * A cached script: the SHA1 of its body (as three words), the body, its shebang flags, and
     * its compiled function while {@link ScriptCache} keeps it.
     */
    public static final class Script {
        final long d0;
        final long d1;
        final int d2;
        private final byte[] body;
        private final int flags;
        LuaClosure compiled;
        /** Ran since the cache's clock last passed it. */
        boolean ranLately;

        Script(long d0, long d1, int d2, byte[] body, int flags) {
            this.d0 = d0;
            this.d1 = d1;
            this.d2 = d2;
            this.body = body;
            this.flags = flags;
        }

        /** The SHA1 of the body in lowercase hex. */
        public String sha() {
            byte[] hex = new byte[40];
            hexWord(hex, 0, d0, 16);
            hexWord(hex, 16, d1, 16);
            hexWord(hex, 32, d2, 8);
            return new String(hex, StandardCharsets.ISO_8859_1);
        }

        private static void hexWord(byte[] out, int at, long w, int digits) {
            for (int i = digits - 1; i >= 0; i--) {
                out[at + i] = (byte) Character.forDigit((int) (w & 0xf), 16);
                w >>>= 4;
            }
        }

        public byte[] body() {
            return body;
        }

        public int flags() {
            return flags;
        }
    }

    private Scripting(ServerContext server) {
        this.server = server;
        this.client = new Client(0, server, null, "", "");
        client.scriptClient = true;
        client.denyBlocking = true;
        client.authenticated = true;
        client.reply.buffer(clientOutput);
        reset();
    }

    /** The server's engine, made on first use. */
    public static Scripting of(ServerContext server) {
        Object s = server.scripting;
        if (s == null) {
            s = new Scripting(server);
            server.scripting = s;
        }
        return (Scripting) s;
    }

    /**
     * The server's engine if a command has made it, else null: commands that only look at
     * scripts or libraries (SCRIPT EXISTS, FUNCTION LIST) answer without building the Lua
     * environment, which costs about a megabyte of classes for servers that never script.
     */
    public static Scripting existing(ServerContext server) {
        return (Scripting) server.scripting;
    }

    /** A fresh Lua environment with no cached scripts (SCRIPT FLUSH). */
    public void reset() {
        scripts.clear();
        scriptsMemory = 0;
        Globals g = baseGlobals(random);
        RedisApi.install(this, g, true);
        // Reading a global nobody set is an error, as in Redis.
        LuaTable mt = new LuaTable();
        mt.rawset(LuaValue.INDEX, new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                throw new LuaError("Script attempted to access nonexistent global variable '"
                        + args.arg(2).tojstring() + "'");
            }
        });
        g.setmetatable(mt);
        ProtectedGlobals protectedEnv = ProtectedGlobals.copyOf(g);
        g.setmetatable(null);
        g.debuglib = hook;
        protectedEnv.debuglib = hook;
        protectedEnv.bindLoadstring(protectedEnv);
        this.globals = g;
        this.env = protectedEnv;
        this.names = new SharedNames(protectedEnv, KEYS, ARGV);
    }

    /**
     * {@link LuaSandbox#newGlobals(dev.cinnabar.server.lua.LuaRandom)}, with the strings'
     * metatable made read-only once (LuaJ keeps it in a static).
     */
    static Globals baseGlobals(dev.cinnabar.server.lua.LuaRandom random) {
        Globals g = LuaSandbox.newGlobals(random);
        ProtectedTable.protectStrings(g);
        return g;
    }

    /** INFO's {@code number_of_cached_scripts}; 0 before any script was seen. */
    public static int cachedScripts(ServerContext server) {
        return server.scripting instanceof Scripting s ? s.scripts.size() : 0;
    }

    /** INFO's {@code used_memory_scripts_eval}: the SHA strings and the bodies kept, as Redis counts them. */
    public static long scriptsMemory(ServerContext server) {
        if (!(server.scripting instanceof Scripting s) || s.scripts.size() == 0) {
            return 0;
        }
        // Each entry's dictEntry (24) and luaScript (16), and the table's slots.
        int n = s.scripts.size();
        long slots = Math.max(4, Long.highestOneBit(n - 1L) * 2);
        return s.scriptsMemory + n * 40L + slots * 8;
    }

    /** The cached script whose body is argument {@code i}; null if none. */
    public Script lookupBody(Argv argv, int i) {
        return scripts.findBody(argv.array(i), argv.offset(i), argv.length(i));
    }

    /** The script whose SHA1 is argument {@code i}, in hex of either case; null if none. */
    public Script lookup(Argv argv, int i) {
        return scripts.find(argv.array(i), argv.offset(i), argv.length(i));
    }

    /**
     * What Redis counts for a cached script: the SHA's sds (48 bytes with jemalloc) and the
     * body's string, embedded with its object up to 44 bytes, an sds of its own above.
     */
    static long cacheEntrySize(int len) {
        long body;
        if (len <= 44) {
            body = jemallocSize(16 + 3 + len + 1) - 16;
        } else {
            int header = len < 256 ? 3 : len < 65536 ? 5 : 9;
            body = jemallocSize(header + len + 1L);
        }
        return 48 + body;
    }

    /** jemalloc's size class for {@code n} bytes: 8, multiples of 16 to 128, then four per doubling. */
    static long jemallocSize(long n) {
        if (n <= 8) {
            return 8;
        }
        if (n <= 128) {
            return (n + 15) / 16 * 16;
        }
        long spacing = Long.highestOneBit(n - 1) / 4;
        return (n + spacing - 1) / spacing * spacing;
    }

    /** SHA1 of {@code body} in lowercase hex. */
    public static String sha1hex(byte[] body, int off, int len) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(body, off, len);
            byte[] d = md.digest();
            char[] hex = new char[40];
            for (int i = 0; i < 20; i++) {
                hex[2 * i] = Character.forDigit((d[i] >> 4) & 0xf, 16);
                hex[2 * i + 1] = Character.forDigit(d[i] & 0xf, 16);
            }
            return new String(hex);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Thrown when a script cannot be cached; the message is the whole error reply. */
    public static final class CreateError extends Exception {
        private static final long serialVersionUID = 1L;

        CreateError(String reply) {
            super(reply, null, false, false);
        }
    }

    /** Compiles and caches {@code body} unless it is cached already (Redis's luaCreateFunction). */
    public Script create(byte[] body) throws CreateError {
        Script s = scripts.findBody(body, 0, body.length);
        if (s != null) {
            return s;
        }
        Shebang.Parsed shebang;
        try {
            shebang = Shebang.parse(body);
        } catch (Shebang.Error e) {
            throw new CreateError("ERR " + e.getMessage());
        }
        LuaClosure f = compile(body, shebang.bodyStart());
        s = scripts.add(body, shebang.flags());
        scriptsMemory += cacheEntrySize(body.length);
        scripts.keepCompiled(s, f);
        return s;
    }

    private LuaClosure compile(byte[] body, int from) throws CreateError {
        Prototype p;
        try {
            p = globals.compilePrototype(new ByteArrayInputStream(body, from, body.length - from), CHUNK_NAME);
        } catch (LuaError e) {
            throw new CreateError("ERR Error compiling script (new function): " + compileMessage(e, CHUNK));
        } catch (Exception | StackOverflowError e) {
            throw new CreateError("ERR Error compiling script (new function): " + CHUNK + ": " + e.getMessage());
        }
        names.share(p);
        return new LuaClosure(p, env);
    }

    /** The compiled function of a cached script, compiled again if the cache dropped it. */
    private LuaClosure function(Script s) throws CreateError {
        LuaClosure f = s.compiled;
        if (f == null) {
            f = compile(s.body, Shebang.bodyStart(s.body));
            scripts.keepCompiled(s, f);
        }
        s.ranLately = true;
        return f;
    }

    /**
     * A syntax error's text: the lua package's lexer writes Lua 5.1's {@code user_script:1: ...
     * near 'x'}; a chunk named as a string source is reduced to the chunk name.
     */
    static String compileMessage(LuaError e, String chunk) {
        String m = stripTraceback(e.getMessage());
        if (m == null) {
            return chunk + ": syntax error";
        }
        String prefix = "[string \"" + chunk + "\"]";
        if (m.startsWith(prefix)) {
            m = chunk + m.substring(prefix.length());
        }
        return rewritePosition(m);
    }

    static String stripTraceback(String m) {
        if (m != null && m.endsWith("\n")) {
            return m.substring(0, m.length() - 1);
        }
        return m;
    }

    /**
     * Plain LuaJ writes a position as {@code user_script:3 msg}, Lua 5.1 (and the lua package's
     * LuaError) as {@code user_script:3: msg}: the first form is rewritten, the second kept.
     */
    static String rewritePosition(String m) {
        String chunk = m.startsWith(Functions.CHUNK) ? Functions.CHUNK : CHUNK;
        int n = chunk.length();
        if (m.startsWith(chunk) && m.length() > n + 1 && m.charAt(n) == ':') {
            int i = n + 1;
            while (i < m.length() && (Character.isDigit(m.charAt(i)) || m.charAt(i) == '?')) {
                i++;
            }
            if (i < m.length() && m.charAt(i) == ' ' && i > n + 1) {
                return m.substring(0, i) + ":" + m.substring(i);
            }
        }
        return m;
    }

    /** The line an error was raised at, from LuaJ's position prefix; null when it has none. */
    static String errorLine(String m) {
        String chunk = m != null && m.startsWith(Functions.CHUNK) ? Functions.CHUNK : CHUNK;
        int n = chunk.length();
        if (m == null || !m.startsWith(chunk) || m.length() <= n + 1 || m.charAt(n) != ':') {
            return null;
        }
        int i = n + 1;
        while (i < m.length() && Character.isDigit(m.charAt(i))) {
            i++;
        }
        return i > n + 1 ? m.substring(n + 1, i) : null;
    }

    /** The line of an interpreter position ("@user_script:3" gives "3"), or null. */
    static String lineOf(String fileline) {
        if (fileline == null) {
            return null;
        }
        int colon = fileline.lastIndexOf(':');
        int i = colon + 1;
        while (i < fileline.length() && Character.isDigit(fileline.charAt(i))) {
            i++;
        }
        return colon >= 0 && i == fileline.length() && i > colon + 1 ? fileline.substring(colon + 1) : null;
    }

    static {
        // A coroutine's failure gives its resumer the value pcall would; a killed script ends.
        // A stack overflow there is placed by the hook, which follows the coroutine's calls too.
        LuaThread.errorValues = (g, t) -> t instanceof ScriptKilled ? null
            : errorValue(t, g.debuglib instanceof ScriptHook h ? h : null);
    }

    /** Set by the engine thread's runs: the hook that knows where a stack overflow happened. */
    private static final ThreadLocal<ScriptHook> CURRENT_HOOK = new ThreadLocal<>();

    /** The value a Lua error carries, as a script's pcall sees it. */
    static LuaValue errorValue(Throwable t) {
        return errorValue(t, CURRENT_HOOK.get());
    }

    /** The same, {@code hook} (or null) knowing where a stack overflow happened. */
    static LuaValue errorValue(Throwable t, ScriptHook hook) {
        if (t instanceof RaisedValue r) {
            return r.value;
        }
        if (t instanceof StackOverflowError) {
            String at = hook == null ? null : hook.overflowPosition();
            return LuaValue.valueOf(at == null ? "stack overflow" : at + ": stack overflow");
        }
        if (t instanceof OutOfMemoryError) {
            return LuaValue.valueOf("not enough memory");
        }
        if (t instanceof LuaError e) {
            LuaValue o = e.getMessageObject();
            if (o == null) {
                return LuaValue.NIL;
            }
            if (!o.isstring()) {
                return o; // error(table), error(true): the value itself
            }
            String m = stripTraceback(e.getMessage());
            return m == null ? LuaValue.NIL : LuaValue.valueOf(rewritePosition(m).getBytes(StandardCharsets.ISO_8859_1));
        }
        String m = t.getMessage();
        return LuaValue.valueOf(t.getClass().getSimpleName() + (m == null ? "" : ": " + m));
    }

    /**
     * Runs {@code script} for {@code caller} and writes its reply (Redis's scriptPrepareForRun,
     * luaCallFunction and scriptResetRun). The caller's command has checked the arguments.
     */
    public void run(Client caller, Script script, Argv argv, int firstKey, int numkeys, boolean readOnlyCommand) {
        LuaClosure f;
        try {
            f = function(script);
        } catch (CreateError e) {
            // It compiled when it was cached: only a stack deeper now could fail it.
            caller.reply.error(e.getMessage());
            return;
        }
        run(caller, f, script, CHUNK, script.flags(), true, argv, firstKey, numkeys, readOnlyCommand);
    }

    /**
     * Runs {@code function}, an EVAL script (KEYS and ARGV as globals) or a library function
     * (keys and arguments as its two parameters); {@code name} (a function's name, or the
     * {@link Script} whose SHA1 names it, written out only when needed) and {@code chunk} name
     * it in error replies.
     */
    void run(Client caller, LuaValue function, Object name, String chunk, int flags, boolean eval, Argv argv,
            int firstKey, int numkeys, boolean readOnlyCommand) {
        boolean compat = (flags & Shebang.EVAL_COMPAT) != 0;
        String refusal = refusal(caller, flags, readOnlyCommand);
        if (refusal != null) {
            caller.reply.error(refusal);
            return;
        }
        boolean readOnly = readOnlyCommand || (!compat && (flags & Shebang.NO_WRITES) != 0);
        if (!compat && (flags & (Shebang.ALLOW_OOM | Shebang.NO_WRITES)) == 0
                && server.eviction().outOfMemoryAtCommandStart()) {
            // The dispatcher refuses such a script before it runs (its declared flags make it
            // DENYOOM); this is Redis's scriptPrepareForRun check behind it, with its text.
            caller.reply.error("OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'");
            return;
        }
        ScriptRun run = new ScriptRun(this, caller, name, eval, readOnly, server.config().busyReplyThreshold);
        if (debugger != null) {
            run.adopt(debugger.task());
        }
        run.allowOom = !compat && (flags & Shebang.ALLOW_OOM) != 0;
        run.allowCrossSlot = compat || (flags & Shebang.ALLOW_CROSS_SLOT) != 0;
        client.select(caller.db());
        client.reply.protocol(2);
        client.argv = null;
        // sized as Redis's, which fills them one by one from empty
        LuaTable keys = LuaTable.forSequence(numkeys);
        for (int i = 0; i < numkeys; i++) {
            int a = firstKey + i;
            keys.rawset(i + 1, LuaString.copyOf(argv.array(a), argv.offset(a), argv.length(a)));
        }
        int nargs = argv.count() - firstKey - numkeys;
        LuaTable args = LuaTable.forSequence(nargs);
        for (int i = 0; i < nargs; i++) {
            int a = firstKey + numkeys + i;
            args.rawset(i + 1, LuaString.copyOf(argv.array(a), argv.offset(a), argv.length(a)));
        }
        if (eval) {
            env.force(KEYS, keys);
            env.force(ARGV, args);
        }
        running = run;
        client.scriptCaller = caller;
        // The script's commands run with its caller's permissions, as Redis's script client takes its user.
        client.user = caller.user;
        hook.reset();
        CURRENT_HOOK.set(hook);
        hook.run = run;
        long coroutines = LuaThread.beginRun();
        LuaValue result = null;
        Throwable failure = null;
        try {
            result = eval ? function.call() : function.call(keys, args);
        } catch (LuaError | StackOverflowError | OutOfMemoryError e) {
            failure = e;
        } catch (RuntimeException e) {
            // A library function that LuaJ lets fail with a Java exception: the script fails, the server stays.
            failure = e;
        } finally {
            hook.run = null;
            running = null;
            client.scriptCaller = null;
            run.end();
            LuaThread.endRun(coroutines);
        }
        if (failure == null) {
            LuaReplies.write(caller.reply, result, client.reply.protocol());
        } else {
            writeError(caller, name, chunk, failure);
        }
    }

    /**
     * Runs {@code eval} (an EVAL: its script's creation, then its run) under the Lua debugger,
     * for a client that sent SCRIPT DEBUG SYNC: see {@link LuaDebugger}. The session's last logs
     * go before the command's reply, and the connection closes after it, as Redis ends a session.
     */
    public void debug(Client caller, Runnable eval) {
        ServerLog.warning("Redis synchronous debugging eval session started");
        LongTask task = server.control().beginLongTask(caller, BusyState.SCRIPT);
        LuaDebugger session = new LuaDebugger(this, caller, task, caller.argv.copy(1));
        debugger = session;
        hook.debugger = session;
        session.activate(true);
        ByteBuf before = caller.reply.buffer();
        int replyStart = before == null ? 0 : before.writerIndex();
        try {
            eval.run();
        } finally {
            debugger = null;
            hook.debugger = null;
            session.activate(false);
            try {
                // What the command replied waits behind the session's last logs.
                // (The logs sent meanwhile took the buffer of then: the reply is in a new one.)
                ByteBuf now = caller.reply.buffer();
                byte[] reply = takeReplySince(caller, now == before ? replyStart : now == null ? 0 : now.readerIndex());
                session.endSession();
                caller.reply.raw(reply);
            } finally {
                task.close();
                ServerLog.warning("Redis synchronous debugging eval session ended");
                caller.closeAfterReply();
            }
        }
    }

    /** The bytes written to {@code c} since {@code from} (its buffer's writer index then), taken out. */
    private static byte[] takeReplySince(Client c, int from) {
        ByteBuf out = c.reply.buffer();
        if (out == null || out.writerIndex() <= from) {
            return new byte[0];
        }
        byte[] b = new byte[out.writerIndex() - from];
        out.getBytes(from, b);
        out.writerIndex(from);
        return b;
    }

    /**
     * Why the server's state keeps a script with these {@code flags} from running, or null
     * (Redis's scriptPrepareForRun; OOM is checked after). A script without a shebang (EVAL's
     * compatibility mode) is refused only on a replica that lost its master and serves no stale
     * data; one that declares flags answers for what it declares.
     */
    private String refusal(Client caller, int flags, boolean readOnlyCommand) {
        boolean replica = !server.config().masterHost.isEmpty();
        boolean stale = server.servesNoStaleData();
        if ((flags & Shebang.EVAL_COMPAT) != 0) {
            return stale ? dev.cinnabar.server.exec.Dispatcher.MASTERDOWN : null;
        }
        if ((flags & Shebang.NO_CLUSTER) != 0 && server.config().clusterEnabled) {
            return "ERR Can not run script on cluster, 'no-cluster' flag is set.";
        }
        if (stale && (flags & Shebang.ALLOW_STALE) == 0) {
            return "MASTERDOWN Link with MASTER is down, replica-serve-stale-data is set to 'no' "
                    + "and 'allow-stale' flag is not set on the script.";
        }
        if ((flags & Shebang.NO_WRITES) == 0) {
            boolean obeyed = caller.mustObey();
            if (replica && server.config().replicaReadOnly && !obeyed) {
                return "READONLY Can not run script with write flag on readonly replica";
            }
            if (!obeyed && server.diskError.getAsBoolean()) {
                return "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to "
                        + "disk. Writable scripts are blocked. Use 'no-writes' flag for read only scripts.";
            }
            String aof = obeyed ? null : server.aofDiskError.get();
            if (aof != null) {
                return "MISCONF Redis is configured to persist data to AOF, but it's currently unable to persist to "
                        + "disk. Writable scripts are blocked. Use 'no-writes' flag for read only scripts. AOF error: "
                        + aof.substring(aof.indexOf(": ") + 2);
            }
            if (readOnlyCommand) {
                return "ERR Can not execute a script with write flag using *_ro command.";
            }
            if (!replica && !server.config().enoughGoodReplicas(server.goodReplicas)) {
                return dev.cinnabar.server.exec.Dispatcher.NOREPLICAS;
            }
        }
        return null;
    }

    /** Redis's reply for a script that raised an error: the message, then where it was raised. */
    private static void writeError(Client caller, Object name, String chunk, Throwable t) {
        LuaValue v = errorValue(t);
        // Redis's error handler names the line of the Lua function that raised the error, also
        // when the message has no position (a library function's error, raised from C in Lua
        // 5.1) or another one (error(msg, 2))
        String line = t instanceof LuaError e ? lineOf(e.raisedAt()) : null;
        if (line == null) {
            line = t instanceof LuaError e ? errorLine(stripTraceback(e.getMessage()))
                : t instanceof StackOverflowError && v.isstring() ? errorLine(v.tojstring()) : null;
        }
        String msg;
        boolean ignoreStats = false;
        if (v.istable()) {
            LuaValue err = v.rawget(LuaReplies.ERR);
            msg = err.isstring() ? err.tojstring() : "ERR unknown error";
            ignoreStats = v.rawget(LuaReplies.IGNORE_STATS).toboolean();
        } else {
            msg = "ERR " + v.tojstring();
        }
        String reply = "-" + msg + (line != null ? " script: " + ScriptRun.nameOf(name) + ", on @" + chunk + ":" + line + "." : "");
        if (ignoreStats) {
            byte[] text = reply.getBytes(StandardCharsets.ISO_8859_1);
            int to = text.length;
            while (to > 1 && (text[to - 1] == '\r' || text[to - 1] == '\n')) {
                to--;
            }
            caller.reply.errorCountedElsewhere(text, 1, to - 1);
        } else {
            caller.reply.error(reply);
        }
    }

    /**
     * What the script's connection received since the last call, as a Lua value (null when
     * nothing), read in place; the buffer is emptied.
     */
    LuaValue takeClientReply() {
        ByteBuf out = client.reply.buffer();
        int n = out.readableBytes();
        if (n == 0) {
            return null;
        }
        replyPos[0] = out.arrayOffset() + out.readerIndex();
        replyWasError = out.array()[replyPos[0]] == '-';
        LuaValue v = LuaReplies.toLua(out.array(), replyPos);
        out.clear();
        return v;
    }

    /** What the script's connection received since the last take, left where it is (for the debugger's log). */
    byte[] peekClientReply() {
        ByteBuf out = client.reply.buffer();
        byte[] b = new byte[out.readableBytes()];
        out.getBytes(out.readerIndex(), b);
        return b;
    }

    private final int[] replyPos = new int[1];
    private boolean replyWasError;

    /** The reply {@link #takeClientReply} read last was an error. */
    boolean clientReplyWasError() {
        return replyWasError;
    }

    /** What the script's connection received since the last call, taken out of its buffer. */
    byte[] takeClientOutput() {
        ByteBuf out = client.reply.buffer();
        byte[] b = new byte[out.readableBytes()];
        out.readBytes(b);
        out.clear();
        return b;
    }

    /**
     * SCRIPT KILL ({@code eval}) or FUNCTION KILL: null when the kill is under way, else the
     * error to answer (Redis's scriptKill).
     */
    public String kill(boolean eval) {
        ScriptRun run = running;
        if (run == null || !run.timedOut()) {
            return "NOTBUSY No scripts in execution right now.";
        }
        if (run.writeDirty) {
            return "UNKILLABLE Sorry the script already executed write commands against the dataset. "
                    + "You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";
        }
        if (eval != run.eval) {
            // SCRIPT KILL of a function, FUNCTION KILL of a script: the busy text of what runs.
            return run.eval ? dev.cinnabar.server.client.BusyState.SCRIPT : dev.cinnabar.server.client.BusyState.FUNCTION;
        }
        server.busy().requestKill();
        return null;
    }

    /** The functions' side (FUNCTION, FCALL), made on first use. */
    public Functions functions() {
        if (functions == null) {
            functions = new Functions(this);
        }
        return functions;
    }

    /** The functions' side if it was made, else null. */
    Functions functionsIfMade() {
        return functions;
    }

    /** The run in progress (FUNCTION STATS): its name, and the caller's command. */
    public String runningName() {
        return running == null ? null : running.name();
    }

    public boolean runningEval() {
        return running != null && running.eval;
    }

    public Client runningCaller() {
        return running == null ? null : running.caller;
    }

    public long runningMillis() {
        return running == null ? 0 : running.elapsedMillis();
    }

    ScriptHook hook() {
        return hook;
    }
}
