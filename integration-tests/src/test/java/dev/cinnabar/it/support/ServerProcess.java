package dev.cinnabar.it.support;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A server started as a child process on a free port: Cinnabar's JAR or a real redis-server.
 * Its output goes to a log file; {@link #close()} stops it with SIGTERM, then SIGKILL.
 */
public final class ServerProcess implements AutoCloseable {
    /** Servers get ports from here: below the ephemeral range (see {@link #freePort}). */
    private static final int FIRST_PORT = 20_000;
    private static final int PORTS = 12_000;
    private static final Random RANDOM = new Random();
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private final Process process;
    private final int port;
    private final Path log;
    private final Path dir;
    private final String name;

    private ServerProcess(String name, Process process, int port, Path log, Path dir) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
        this.dir = dir;
    }

    /** Starts the built Cinnabar JAR with {@code --port <free>} and the given extra arguments. */
    public static ServerProcess cinnabar(String... args) throws IOException {
        int port = freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        // The server turns Netty's leak detector off; tests sample for leaks as Netty does by
        // default, and close() fails a test whose server reported one.
        cmd.add("-Dio.netty.leakDetection.level=simple");
        // and keep Netty's check that no buffer is written after its release, also off in the server.
        cmd.add("-Dio.netty.buffer.checkAccessible=true");
        cmd.add("-jar");
        cmd.add(jar());
        List<String> rest = new ArrayList<>(List.of(args));
        // A config file, when given, must stay the first argument, as with redis-server.
        if (!rest.isEmpty() && !rest.get(0).startsWith("--")) {
            cmd.add(rest.remove(0));
        }
        cmd.add("--port");
        cmd.add(Integer.toString(port));
        cmd.addAll(rest);
        return start("cinnabar", cmd, port);
    }

    /** Starts Debian's redis-server without persistence on a free port. */
    public static ServerProcess redis(String... args) throws IOException {
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(redisServerBinary(), "--port", Integer.toString(port),
                "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"));
        cmd.addAll(List.of(args));
        return start("redis", cmd, port);
    }

    /** Starts any command that listens on {@code port}; the caller chose the port. */
    public static ServerProcess start(String name, List<String> command, int port) throws IOException {
        Path log = Files.createTempFile(name + "-" + port + "-", ".log");
        Path dir = Files.createTempDirectory(name + "-dir");
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .directory(dir.toFile());
        Process p = pb.start();
        ServerProcess s = new ServerProcess(name, p, port, log, dir);
        s.awaitListening(20_000);
        return s;
    }

    public int port() {
        return port;
    }

    /** The working directory it was started in (its {@code dir}, unless configured otherwise). */
    public Path dir() {
        return dir;
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<log unreadable: " + e + ">";
        }
    }

    /**
     * For a test that found the server gone: how it ended first (a CI report keeps only the
     * start of a long message), then the end of its log, then the JVM's crash report if it
     * wrote one into the server's working directory.
     */
    public String exitReport() {
        StringBuilder b = new StringBuilder(name);
        if (process.isAlive()) {
            b.append(" is still running");
        } else {
            b.append(" exited with status ").append(process.exitValue());
        }
        String[] lines = log().split("\n");
        b.append("; the last lines of its log:\n");
        for (int i = Math.max(0, lines.length - 40); i < lines.length; i++) {
            b.append(lines[i]).append('\n');
        }
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().startsWith("hs_err")) {
                    String crash = Files.readString(f, StandardCharsets.ISO_8859_1);
                    b.append("JVM crash report ").append(f).append(":\n")
                            .append(crash, 0, Math.min(crash.length(), 4000));
                }
            }
        } catch (IOException e) {
            b.append("<working directory unreadable: ").append(e).append(">");
        }
        return b.toString();
    }

    /**
     * Waits for the "Ready to accept connections" line: the server listens before it loads its
     * data (clients get -LOADING meanwhile), so a test that reads what a restart loaded waits
     * for this first.
     */
    public ServerProcess awaitReady(long timeoutMillis) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!log().contains("Ready to accept connections")) {
            if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                throw new IOException(name + " was not ready within " + timeoutMillis + " ms:\n" + log());
            }
            sleep(20);
        }
        return this;
    }

    private void awaitListening(long timeoutMillis) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + " before listening:\n" + log());
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                sleep(20);
            }
        }
        close();
        throw new IOException(name + " did not listen on " + port + " within " + timeoutMillis + " ms:\n" + log());
    }

    /** Sends SIGTERM and waits for the exit; returns the exit code. */
    public int terminate(long timeoutMillis) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        try {
            terminate(5000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        String text = log();
        int leak = text.indexOf("LEAK: ");
        if (leak >= 0) {
            throw new AssertionError(name + " leaked a buffer:\n" + text.substring(leak, Math.min(text.length(), leak + 2000)));
        }
    }

    /**
     * A port nothing listens on, for a server about to start. It is taken below the kernel's
     * range of ephemeral ports (32768-60999 on Linux), from which every outgoing connection's
     * local port comes: a port from that range can go to a client socket between this check and
     * the server's bind, which failed a full run once with "Address already in use". Each port is
     * handed out once per test JVM, so two servers of one run never race for it either.
     */
    public static int freePort() throws IOException {
        synchronized (HANDED_OUT) {
            for (int tries = 0; tries < 1000; tries++) {
                int port = FIRST_PORT + RANDOM.nextInt(PORTS);
                if (HANDED_OUT.add(port) && bindable(port)) {
                    return port;
                }
            }
        }
        throw new IOException("no free port in " + FIRST_PORT + "-" + (FIRST_PORT + PORTS - 1));
    }

    /** True when the port can be bound on every address, as the servers bind it, right now. */
    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    public static String jar() {
        String jar = System.getProperty("cinnabar.jar");
        if (jar == null || !new File(jar).isFile()) {
            throw new IllegalStateException("cinnabar.jar system property must name the built server JAR, got " + jar);
        }
        return jar;
    }

    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** redis-server from PATH; the tests need it (CI installs Debian's redis-server). */
    public static String redisServerBinary() {
        return binary("redis-server");
    }

    /**
     * Starts the JAR with {@code args} in {@code dir}, expecting it to exit (a configuration it
     * refuses); returns its log followed by {@code "exit <status>"}.
     */
    public static String failedStart(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-jar", jar(), "--port", Integer.toString(freePort())));
        cmd.addAll(List.of(args));
        Path log = dir.resolve("failed-start.log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                throw new AssertionError("still running with " + cmd);
            }
            return Files.readString(log) + "exit " + p.exitValue();
        } finally {
            p.destroyForcibly();
        }
    }

    public static String redisCliBinary() {
        return binary("redis-cli");
    }

    private static String binary(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        throw new IllegalStateException(name + " is not installed; install Debian's redis-server and redis-tools");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
