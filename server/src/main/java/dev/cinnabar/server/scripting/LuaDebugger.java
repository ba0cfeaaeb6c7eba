package dev.cinnabar.server.scripting;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.datatypes.Numbers;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.LongTask;
import dev.cinnabar.server.lua.LuaOperandNames;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaThread;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;

/**
 * One session of Redis's Lua debugger (LDB) in its synchronous mode, SCRIPT DEBUG SYNC: the
 * EVAL that follows runs step by step, driven by the debugging client's commands (step,
 * continue, list, print, break, eval, redis, trace, maxlen, abort), and the client gets Redis's
 * logs, byte for byte, as arrays of simple strings.
 *
 * <p>Redis calls its hook from Lua's line and count events. LuaJ has neither, so the hook follows
 * the instruction stream ({@link ScriptHook} passes every call, return and instruction on) and
 * derives them as Lua 5.1's traceexec does: a line event when a function starts, when a jump
 * goes backwards and when the line changes; a count event every 100,000 instructions. Each
 * thread (a coroutine runs on a thread of its own) keeps its own frames, as each Lua 5.1
 * coroutine has its own stack, for print and trace.
 *
 * <p>Redis blocks on the client's socket while it waits for a command. Here the session is a
 * {@link LongTask} from the start: the client's input arrives in its held input and the logs go
 * out through {@link LongTask#sendToOwner()}, and the server keeps answering other clients
 * -BUSY meanwhile, where Redis answers no one; SCRIPT KILL (while the script has not written)
 * and SHUTDOWN NOSAVE end a session too.
 */
final class LuaDebugger {
    static final int MAX_BREAKPOINTS = 64;
    static final int DEFAULT_MAXLEN = 256;
    /** Redis's count hook period in debugging sessions. */
    private static final int COUNT_EVERY = 100_000;
    private static final int MAX_COMMAND_BUFFER = 1 << 20;

    /** The session of this engine thread, for the errors Lua code raises (see {@link #errorRaised}). */
    private static final ThreadLocal<LuaDebugger> ACTIVE = new ThreadLocal<>();

    private final Scripting engine;
    private final Client client;
    private final LongTask task;
    /** The script's lines, one char per byte. */
    private final String[] source;
    private final List<String> logs = new ArrayList<>();
    private final int[] breakpoints = new int[MAX_BREAKPOINTS];
    private int breakpointCount;
    /** Stop at the next line whatever the breakpoints; on at the start, as in Redis. */
    private boolean step = true;
    /** redis.breakpoint() was called: stop at the next line. */
    private boolean luaBreakpoint;
    private int currentLine;
    private int maxlen = DEFAULT_MAXLEN;
    private boolean maxlenHintSent;
    private byte[] commandBuffer = new byte[256];
    private int commandBufferLength;
    private int countdown = COUNT_EVERY;
    /** When the script last ran on after a stop, for the "infinite loop?" stop. */
    private long runningSinceNanos = System.nanoTime();
    /** Code the debugger runs itself (eval, redis) fires no events, as Lua runs hooks unhooked. */
    private boolean inRepl;
    private final Map<Thread, ArrayDeque<Frame>> frames = new HashMap<>();

    /** A Lua function running: its registers, and the instruction it is at. */
    private static final class Frame {
        final LuaClosure closure;
        final LuaValue[] stack;
        int pc = -1;

        Frame(LuaClosure closure, LuaValue[] stack) {
            this.closure = closure;
            this.stack = stack;
        }

        int line(int at) {
            int[] lines = closure.p.lineinfo;
            return lines != null && at >= 0 && at < lines.length ? lines[at] : 0;
        }

        boolean userScript() {
            LuaString s = closure.p.source;
            return s != null && s.tojstring().contains(Scripting.CHUNK);
        }
    }

    LuaDebugger(Scripting engine, Client client, LongTask task, byte[] body) {
        this.engine = engine;
        this.client = client;
        this.task = task;
        this.source = splitLines(body);
    }

    /** Redis's split of the EVAL body: trailing line breaks dropped, then one entry per '\n'. */
    static String[] splitLines(byte[] body) {
        int len = body.length;
        while (len > 0 && (body[len - 1] == '\n' || body[len - 1] == '\r')) {
            len--;
        }
        if (len == 0) {
            return new String[0];
        }
        List<String> lines = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < len; i++) {
            if (body[i] == '\n') {
                lines.add(LdbFormat.latin1(body, from, i - from));
                from = i + 1;
            }
        }
        lines.add(LdbFormat.latin1(body, from, len - from));
        return lines.toArray(new String[0]);
    }

    LongTask task() {
        return task;
    }

    void activate(boolean on) {
        if (on) {
            ACTIVE.set(this);
        } else {
            ACTIVE.remove();
        }
    }

    // ------------------------------------------------------------------ what the script's run tells

    void onCall(LuaClosure c, LuaValue[] stack) {
        if (!inRepl) {
            frames.computeIfAbsent(Thread.currentThread(), t -> new ArrayDeque<>()).push(new Frame(c, stack));
        }
    }

    void onReturn() {
        if (!inRepl) {
            ArrayDeque<Frame> f = frames.get(Thread.currentThread());
            if (f != null) {
                f.poll();
            }
        }
    }

    void onInstruction(int pc) {
        if (inRepl) {
            return;
        }
        ArrayDeque<Frame> stack = frames.get(Thread.currentThread());
        Frame f = stack == null ? null : stack.peek();
        if (f == null) {
            return;
        }
        int old = f.pc;
        f.pc = pc;
        if (--countdown <= 0) {
            countdown = COUNT_EVERY;
            event(f, true);
        }
        if (pc == 0 || pc <= old || f.line(pc) != f.line(old)) {
            event(f, false);
        }
    }

    /** Redis's luaLdbLineHook, for a line event or a count event. */
    private void event(Frame f, boolean count) {
        currentLine = f.line(f.pc);
        boolean bp = isBreakpoint(currentLine) || luaBreakpoint;
        if (!f.userScript()) {
            return;
        }
        boolean timeout = false;
        if (count && !step && !bp) {
            long limit = engine.server.config().busyReplyThreshold;
            if ((System.nanoTime() - runningSinceNanos) / 1_000_000 < (limit > 0 ? limit : 5000)) {
                return;
            }
            timeout = true;
            step = true;
        }
        if (step || bp) {
            String reason = bp ? (luaBreakpoint ? "redis.breakpoint() called" : "break point")
                : timeout ? "timeout reached, infinite loop?" : "step over";
            step = false;
            luaBreakpoint = false;
            log("* Stopped at " + currentLine + ", stop reason = " + reason);
            logSourceLine(currentLine);
            sendLogs();
            stoppedOn = Thread.currentThread();
            // The conversation runs on the engine's thread, also when a coroutine stopped.
            boolean[] connected = new boolean[1];
            LuaThread.runOnResumer(() -> connected[0] = repl());
            if (!connected[0] && timeout) {
                throw RedisApi.raise("timeout during Lua debugging with client closing connection");
            }
            runningSinceNanos = System.nanoTime();
        }
    }

    /** True while redis.call's commands, replies and errors are to be logged (Redis's ldbIsEnabled). */
    boolean stepping() {
        return step;
    }

    /** A Lua error table is being made: logged as Redis's luaPushErrorBuff does while stepping. */
    static void errorRaised(String text) {
        LuaDebugger d = ACTIVE.get();
        if (d != null && d.step) {
            d.log("<error> " + text);
        }
    }

    /** redis.call's command, before it runs: at most ten arguments. */
    void logCommand(Argv a) {
        StringBuilder sb = new StringBuilder("<redis>");
        for (int j = 0; j < a.count(); j++) {
            if (j == 10) {
                // sic: Redis counts one fewer than there are
                sb.append(" ... (").append(a.count() - j - 1).append(" more)");
                break;
            }
            sb.append(' ').append(LdbFormat.latin1(a.array(j), a.offset(j), a.length(j)));
        }
        log(sb.toString());
    }

    /** redis.call's reply, read from its protocol bytes. */
    void logReply(byte[] reply) {
        StringBuilder sb = new StringBuilder("<reply> ");
        if (reply.length > 0) {
            LdbFormat.reply(sb, reply, new int[1]);
        }
        logWithMaxLen(sb.toString());
    }

    /** redis.debug(...): the values, comma separated. */
    void debug(Varargs args) {
        StringBuilder sb = new StringBuilder("<debug> line ").append(currentLine).append(": ");
        for (int i = 1; i <= args.narg(); i++) {
            LdbFormat.value(sb, args.arg(i));
            if (i != args.narg()) {
                sb.append(", ");
            }
        }
        log(sb.toString());
    }

    /** redis.breakpoint(): stop at the next line. */
    void breakpoint() {
        luaBreakpoint = true;
    }

    /** The script is over: the last logs and the end mark, written before its reply. */
    void endSession() {
        log("<endsession>");
        client.reply.raw(encodeLogs());
    }

    // ------------------------------------------------------------------ the conversation

    /** Reads and runs the client's commands until one lets the script go on; false when the client left. */
    private boolean repl() {
        inRepl = true;
        try {
            while (true) {
                byte[][] argv;
                while ((argv = parseCommand()) == null) {
                    if (!readMore()) {
                        // Without a client the script runs to its end.
                        step = false;
                        breakpointCount = 0;
                        return false;
                    }
                }
                // As Redis: what came after the command in the same read is dropped.
                commandBufferLength = 0;
                if (is(argv[0], "h") || is(argv[0], "help")) {
                    help();
                } else if (is(argv[0], "s") || is(argv[0], "step") || is(argv[0], "n") || is(argv[0], "next")) {
                    step = true;
                    return true;
                } else if (is(argv[0], "c") || is(argv[0], "continue")) {
                    return true;
                } else if (is(argv[0], "t") || is(argv[0], "trace")) {
                    trace();
                } else if (is(argv[0], "m") || is(argv[0], "maxlen")) {
                    maxlen(argv);
                } else if (is(argv[0], "b") || is(argv[0], "break")) {
                    breakCommand(argv);
                } else if (is(argv[0], "e") || is(argv[0], "eval")) {
                    eval(argv);
                } else if (is(argv[0], "a") || is(argv[0], "abort")) {
                    throw RedisApi.raise("script aborted for user request");
                } else if (argv.length > 1 && (is(argv[0], "r") || is(argv[0], "redis"))) {
                    redis(argv);
                } else if (is(argv[0], "p") || is(argv[0], "print")) {
                    if (argv.length == 2) {
                        print(string(argv[1]));
                    } else {
                        printAll();
                    }
                } else if (is(argv[0], "l") || is(argv[0], "list")) {
                    int around = currentLine;
                    int context = 5;
                    if (argv.length > 1) {
                        int n = atoi(argv[1]);
                        if (n > 0) {
                            around = n;
                        }
                    }
                    if (argv.length > 2) {
                        context = atoi(argv[2]);
                    }
                    list(around, context);
                } else if (is(argv[0], "w") || is(argv[0], "whole")) {
                    list(1, 1_000_000);
                } else {
                    log("<error> Unknown Redis Lua debugger command or wrong number of arguments.");
                }
                sendLogs();
            }
        } finally {
            inRepl = false;
        }
    }

    /** Waits for more of the client's input; false once it is gone. */
    private boolean readMore() {
        ScriptRun run = engine.running;
        while (true) {
            ByteBuf in = client.takeHeldInput();
            if (in != null) {
                try {
                    int n = in.readableBytes();
                    if (commandBufferLength + n > commandBuffer.length) {
                        commandBuffer = java.util.Arrays.copyOf(commandBuffer,
                                Math.max(commandBuffer.length * 2, commandBufferLength + n));
                    }
                    in.readBytes(commandBuffer, commandBufferLength, n);
                    commandBufferLength += n;
                } finally {
                    in.release();
                }
                if (commandBufferLength > MAX_COMMAND_BUFFER) {
                    commandBufferLength = 0;
                    throw RedisApi.raise("max client buffer reached");
                }
                return true;
            }
            if (client.isClosing()) {
                return false;
            }
            // Serves the other clients (-BUSY), and ends the session on SCRIPT KILL or SHUTDOWN NOSAVE.
            run.interrupt();
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /**
     * Redis's ldbReplParseCommand, as forgiving as it is: a multi-bulk anywhere in the buffer,
     * arguments of 1 to 1024 bytes, at most 1024 of them. Null while more is needed; a
     * malformed request fails the script with "protocol error".
     */
    private byte[][] parseCommand() {
        byte[] b = commandBuffer;
        int len = commandBufferLength;
        if (len == 0) {
            return null;
        }
        int p = indexOf(b, len, 0, '*');
        if (p < 0) {
            throw protocolError();
        }
        int eol = crlf(b, len, p);
        if (eol < 0) {
            return null;
        }
        int argc = atoi(b, p + 1, eol);
        if (argc <= 0 || argc > 1024) {
            throw protocolError();
        }
        p = eol + 2;
        byte[][] argv = new byte[argc][];
        for (int i = 0; i < argc; i++) {
            if (p >= len || b[p] == 0) {
                return null;
            }
            if (b[p] != '$') {
                throw protocolError();
            }
            eol = crlf(b, len, p);
            if (eol < 0) {
                return null;
            }
            int slen = atoi(b, p + 1, eol);
            if (slen <= 0 || slen > 1024) {
                throw protocolError();
            }
            p = eol + 2;
            if (p + slen + 2 > len) {
                return null;
            }
            argv[i] = java.util.Arrays.copyOfRange(b, p, p + slen);
            p += slen;
            if (b[p] != '\r' || b[p + 1] != '\n') {
                throw protocolError();
            }
            p += 2;
        }
        return argv;
    }

    private static LuaError protocolError() {
        return RedisApi.raise("protocol error");
    }

    /** strchr over the buffer as a C string: the search stops at a NUL byte. */
    private static int indexOf(byte[] b, int len, int from, char c) {
        for (int i = from; i < len && b[i] != 0; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** strstr(p, "\r\n") over the buffer as a C string. */
    private static int crlf(byte[] b, int len, int from) {
        for (int i = from; i + 1 < len && b[i] != 0; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** C's atoi over {@code b[from, to)}. */
    private static int atoi(byte[] b, int from, int to) {
        return Numbers.atoi(b, from, to - from);
    }

    private static int atoi(byte[] arg) {
        return Numbers.atoi(arg, 0, arg.length);
    }

    /** strcasecmp against a debugger command's name: the argument read as a C string, up to a NUL. */
    private static boolean is(byte[] arg, String name) {
        int n = 0;
        while (n < arg.length && arg[n] != 0) {
            n++;
        }
        if (n != name.length()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (Character.toLowerCase((char) (arg[i] & 0xff)) != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** An argument as a C string (up to a NUL), one char per byte. */
    private static String string(byte[] arg) {
        int n = 0;
        while (n < arg.length && arg[n] != 0) {
            n++;
        }
        return LdbFormat.latin1(arg, 0, n);
    }

    // ------------------------------------------------------------------ commands

    private static final String[] HELP = {
        "Redis Lua debugger help:",
        "[h]elp               Show this help.",
        "[s]tep               Run current line and stop again.",
        "[n]ext               Alias for step.",
        "[c]ontinue           Run till next breakpoint.",
        "[l]ist               List source code around current line.",
        "[l]ist [line]        List source code around [line].",
        "                     line = 0 means: current position.",
        "[l]ist [line] [ctx]  In this form [ctx] specifies how many lines",
        "                     to show before/after [line].",
        "[w]hole              List all source code. Alias for 'list 1 1000000'.",
        "[p]rint              Show all the local variables.",
        "[p]rint <var>        Show the value of the specified variable.",
        "                     Can also show global vars KEYS and ARGV.",
        "[b]reak              Show all breakpoints.",
        "[b]reak <line>       Add a breakpoint to the specified line.",
        "[b]reak -<line>      Remove breakpoint from the specified line.",
        "[b]reak 0            Remove all breakpoints.",
        "[t]race              Show a backtrace.",
        "[e]val <code>        Execute some Lua code (in a different callframe).",
        "[r]edis <cmd>        Execute a Redis command.",
        "[m]axlen [len]       Trim logged Redis replies and Lua var dumps to len.",
        "                     Specifying zero as <len> means unlimited.",
        "[a]bort              Stop the execution of the script. In sync",
        "                     mode dataset changes will be retained.",
        "",
        "Debugger functions you can call from Lua scripts:",
        "redis.debug()        Produce logs in the debugger console.",
        "redis.breakpoint()   Stop execution like if there was a breakpoint in the",
        "                     next line of code.",
    };

    private void help() {
        for (String line : HELP) {
            log(line);
        }
    }

    private void list(int around, int context) {
        for (int j = 1; j <= source.length; j++) {
            if (around != 0 && Math.abs(around - j) > context) {
                continue;
            }
            logSourceLine(j);
        }
    }

    private void logSourceLine(int line) {
        String text = line >= 1 && line <= source.length ? source[line - 1] : "<out of range source code line>";
        boolean bp = isBreakpoint(line);
        boolean current = currentLine == line;
        String prefix = current && bp ? "->#" : current ? "-> " : bp ? "  #" : "   ";
        String number = Integer.toString(line);
        StringBuilder sb = new StringBuilder(prefix).append(number);
        for (int i = number.length(); i < 3; i++) {
            sb.append(' ');
        }
        log(sb.append(' ').append(text).toString());
    }

    private boolean isBreakpoint(int line) {
        for (int j = 0; j < breakpointCount; j++) {
            if (breakpoints[j] == line) {
                return true;
            }
        }
        return false;
    }

    private void breakCommand(byte[][] argv) {
        if (argv.length == 1) {
            if (breakpointCount == 0) {
                log("No breakpoints set. Use 'b <line>' to add one.");
                return;
            }
            log(breakpointCount + " breakpoints set:");
            for (int j = 0; j < breakpointCount; j++) {
                logSourceLine(breakpoints[j]);
            }
            return;
        }
        for (int j = 1; j < argv.length; j++) {
            // Redis's string2l: a canonical integer
            Long line = Numbers.isLong(argv[j], 0, argv[j].length) ? Numbers.parseLong(argv[j]) : null;
            if (line == null) {
                log("Invalid argument:'" + string(argv[j]) + "'");
            } else if (line == 0) {
                breakpointCount = 0;
                log("All breakpoints removed.");
            } else if (line > 0) {
                if (breakpointCount == MAX_BREAKPOINTS) {
                    log("Too many breakpoints set.");
                } else if (addBreakpoint(line)) {
                    list((int) (long) line, 1);
                } else {
                    log("Wrong line number.");
                }
            } else if (deleteBreakpoint(-line)) {
                log("Breakpoint removed.");
            } else {
                log("No breakpoint in the specified line.");
            }
        }
    }

    private boolean addBreakpoint(long line) {
        if (line <= 0 || line > source.length) {
            return false;
        }
        if (!isBreakpoint((int) line) && breakpointCount != MAX_BREAKPOINTS) {
            breakpoints[breakpointCount++] = (int) line;
            return true;
        }
        return false;
    }

    /**
     * Removes a breakpoint as Redis 7.0 does, moving the later ones down by bytes, not ints
     * (its memmove is given a count of entries): on a little-endian machine the entry after the
     * removed one takes its place but only in its low bytes, and the last one stays twice.
     */
    private boolean deleteBreakpoint(long line) {
        for (int j = 0; j < breakpointCount; j++) {
            if (breakpoints[j] == line) {
                breakpointCount--;
                moveBytesDown(j, breakpointCount - j);
                return true;
            }
        }
        return false;
    }

    private void moveBytesDown(int to, int bytes) {
        byte[] le = new byte[MAX_BREAKPOINTS * 4];
        for (int i = 0; i < MAX_BREAKPOINTS; i++) {
            int v = breakpoints[i];
            le[i * 4] = (byte) v;
            le[i * 4 + 1] = (byte) (v >> 8);
            le[i * 4 + 2] = (byte) (v >> 16);
            le[i * 4 + 3] = (byte) (v >> 24);
        }
        System.arraycopy(le, (to + 1) * 4, le, to * 4, bytes);
        for (int i = 0; i < MAX_BREAKPOINTS; i++) {
            breakpoints[i] = (le[i * 4] & 0xff) | (le[i * 4 + 1] & 0xff) << 8 | (le[i * 4 + 2] & 0xff) << 16
                    | (le[i * 4 + 3] & 0xff) << 24;
        }
    }

    private void maxlen(byte[][] argv) {
        if (argv.length == 2) {
            int n = atoi(argv[1]);
            maxlenHintSent = true; // the user knows about the command
            if (n != 0 && n <= 60) {
                n = 60;
            }
            maxlen = n;
        }
        log(maxlen != 0 ? "<value> replies are truncated at " + maxlen + " bytes." : "<value> replies are unlimited.");
    }

    /** The thread that stopped: the engine's, or a coroutine's; print and trace look at its frames. */
    private Thread stoppedOn;

    private void print(String name) {
        for (Frame f : frames()) {
            LuaValue v = localNamed(f, name);
            if (v != null) {
                logValue("<value> ", v);
                return;
            }
        }
        if (name.equals("ARGV") || name.equals("KEYS")) {
            logValue("<value> ", engine.env.rawget(LuaValue.valueOf(name)));
        } else {
            log("No such variable.");
        }
    }

    private void printAll() {
        Frame f = frames().peek();
        int shown = 0;
        if (f != null) {
            Prototype p = f.closure.p;
            for (int n = 1; ; n++) {
                LuaString name = p.getlocalname(n, f.pc);
                if (name == null) {
                    break;
                }
                logValue("<value> " + name.tojstring() + " = ", f.stack[n - 1]);
                shown++;
            }
        }
        if (shown == 0) {
            log("No local variables in the current context.");
        }
    }

    private static LuaValue localNamed(Frame f, String name) {
        Prototype p = f.closure.p;
        for (int n = 1; ; n++) {
            LuaString local = p.getlocalname(n, f.pc);
            if (local == null) {
                return null;
            }
            if (local.tojstring().equals(name)) {
                return f.stack[n - 1];
            }
        }
    }

    /** The frames of the coroutine (or main code) that stopped, innermost first. */
    private ArrayDeque<Frame> frames() {
        ArrayDeque<Frame> f = frames.get(stoppedOn);
        return f != null ? f : new ArrayDeque<>();
    }

    private void trace() {
        int level = 0;
        List<Frame> list = new ArrayList<>(frames());
        for (int i = 0; i < list.size(); i++) {
            Frame f = list.get(i);
            if (f.userScript()) {
                String name = functionName(f, i + 1 < list.size() ? list.get(i + 1) : null);
                log((level == 0 ? "In " : "From ") + (name != null ? name : "top level") + ":");
                logSourceLine(f.line(f.pc));
            }
            level++;
        }
        if (level == 0) {
            log("<error> Can't retrieve Lua stack.");
        }
    }

    /**
     * Lua 5.1's getfuncname: the name the caller's call instruction gives the function, when the
     * caller is Lua code that called it directly (not through pcall or the like); else null.
     */
    private static String functionName(Frame f, Frame caller) {
        if (caller == null || caller.pc < 0) {
            return null;
        }
        int i = caller.closure.p.code[caller.pc];
        int op = Lua.GET_OPCODE(i);
        if (op != Lua.OP_CALL && op != Lua.OP_TAILCALL && op != Lua.OP_TFORCALL) {
            return null;
        }
        int a = Lua.GETARG_A(i);
        if (a >= caller.stack.length || caller.stack[a] != f.closure) {
            return null;
        }
        String[] name = LuaOperandNames.objectName(caller.closure.p, caller.pc, a);
        return name == null ? null : name[1];
    }

    private void eval(byte[][] argv) {
        StringBuilder code = new StringBuilder();
        for (int j = 1; j < argv.length; j++) {
            if (j > 1) {
                code.append(' ');
            }
            code.append(LdbFormat.latin1(argv[j], 0, argv[j].length));
        }
        LuaValue fn;
        try {
            fn = compile("return " + code);
        } catch (LuaError e) {
            try {
                fn = compile(code.toString());
            } catch (LuaError e2) {
                log("<error> " + Scripting.compileMessage(e2, "ldb_eval"));
                return;
            }
        }
        LuaValue result;
        try {
            result = fn.call();
        } catch (LuaError | StackOverflowError e) {
            LuaValue v = Scripting.errorValue(e);
            log("<error> " + (v.isstring() ? v.tojstring() : "(null)"));
            return;
        }
        logValue("<retval> ", result);
    }

    private LuaValue compile(String code) {
        byte[] bytes = code.getBytes(StandardCharsets.ISO_8859_1);
        Prototype p;
        try {
            p = engine.globals.compilePrototype(new ByteArrayInputStream(bytes), "@ldb_eval");
        } catch (java.io.IOException e) {
            throw new LuaError(e.getMessage());
        }
        return new LuaClosure(p, engine.env);
    }

    /** redis.call with the command logged, and its reply or error: Redis's ldbRedis. */
    private void redis(byte[][] argv) {
        LuaValue[] args = new LuaValue[argv.length - 1];
        for (int j = 1; j < argv.length; j++) {
            args[j - 1] = LuaString.valueOf(argv[j]);
        }
        LuaValue call = engine.env.rawget(LuaValue.valueOf("redis")).get("call");
        step = true;
        try {
            call.invoke(LuaValue.varargsOf(args));
        } catch (LuaError e) {
            // shown by the logs; the debugger goes on
        } finally {
            step = false;
        }
    }

    // ------------------------------------------------------------------ logs

    private void log(String entry) {
        logs.add(entry);
    }

    private void logValue(String prefix, LuaValue v) {
        StringBuilder sb = new StringBuilder(prefix);
        LdbFormat.value(sb, v);
        logWithMaxLen(sb.toString());
    }

    /** Redis's ldbLogWithMaxLen: longer entries are cut at maxlen, with a hint the first time. */
    private void logWithMaxLen(String entry) {
        boolean trimmed = false;
        if (maxlen != 0 && entry.length() > maxlen) {
            entry = entry.substring(0, maxlen) + " ...";
            trimmed = true;
        }
        log(entry);
        if (trimmed && !maxlenHintSent) {
            maxlenHintSent = true;
            log("<hint> The above reply was trimmed. Use 'maxlen 0' to disable trimming.");
        }
    }

    /** The logs as an array of simple strings, line breaks made spaces; the logs are consumed. */
    private byte[] encodeLogs() {
        StringBuilder sb = new StringBuilder("*").append(logs.size()).append("\r\n");
        for (String entry : logs) {
            sb.append('+').append(entry.replace('\r', ' ').replace('\n', ' ')).append("\r\n");
        }
        logs.clear();
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private void sendLogs() {
        if (client.isClosing()) {
            logs.clear();
            return;
        }
        client.reply.raw(encodeLogs());
        task.sendToOwner();
    }
}
