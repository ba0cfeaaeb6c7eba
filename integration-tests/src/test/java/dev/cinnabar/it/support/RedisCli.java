package dev.cinnabar.it.support;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs Debian's redis-cli non-interactively and captures what it prints. */
public final class RedisCli {
    public final int exitCode;
    /** Standard output as Latin-1, so binary replies survive byte for byte. */
    public final String out;
    public final String err;

    private RedisCli(int exitCode, String out, String err) {
        this.exitCode = exitCode;
        this.out = out;
        this.err = err;
    }

    /** Runs {@code redis-cli args...} with {@code stdin} (may be null) as its input. */
    public static RedisCli run(byte[] stdin, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        return run(stdin, null, timeoutSeconds, args);
    }

    /** Like {@link #run(byte[], long, String...)}, with standard input taken from a file. */
    public static RedisCli runWithInputFile(File stdin, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        return run(null, stdin, timeoutSeconds, args);
    }

    private static RedisCli run(byte[] stdin, File stdinFile, long timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ServerProcess.redisCliBinary());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (stdinFile != null) {
            pb.redirectInput(stdinFile);
        }
        Process p = pb.start();
        CompletableFuture<byte[]> out = drain(p.getInputStream());
        CompletableFuture<byte[]> err = drain(p.getErrorStream());
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null && stdinFile == null) {
                in.write(stdin);
            }
        } catch (IOException closedEarly) {
            // redis-cli may exit before reading all of its input; its output tells why.
        }
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
            throw new IOException("redis-cli " + String.join(" ", args) + " did not finish in " + timeoutSeconds + " s");
        }
        return new RedisCli(p.exitValue(), new String(out.join(), StandardCharsets.ISO_8859_1),
                new String(err.join(), StandardCharsets.ISO_8859_1));
    }

    /** Reads a stream to its end on a thread of its own, so neither pipe can fill and block the process. */
    private static CompletableFuture<byte[]> drain(InputStream s) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (s) {
                f.complete(s.readAllBytes());
            } catch (IOException e) {
                f.completeExceptionally(e);
            }
        }, "redis-cli-output");
        t.setDaemon(true);
        t.start();
        return f;
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\nstdout: " + out + "\nstderr: " + err;
    }
}
