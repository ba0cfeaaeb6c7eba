package dev.cinnabar.it.memcached;

import dev.cinnabar.it.support.ServerProcess;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Starting a real memcached and Cinnabar with its memcached listener, each on free ports. */
public final class McServers {
    private McServers() {
    }

    /**
     * Debian's memcached 1.6 on a free port, TCP only, on 127.0.0.1, with {@code extra} arguments
     * (e.g. "-t", "1"). As root it needs {@code -u}; elsewhere {@code -u} is ignored.
     */
    public static ServerProcess memcached(String... extra) throws IOException {
        int port = ServerProcess.freePort();
        List<String> cmd = new ArrayList<>(List.of(binary("memcached"), "-p", Integer.toString(port), "-U", "0", "-l",
                "127.0.0.1", "-u", System.getProperty("user.name", "root")));
        cmd.addAll(List.of(extra));
        return ServerProcess.start("memcached", cmd, port);
    }

    /** Cinnabar with its memcached listener on a free port; {@link Cinnabar#memcachedPort} names it. */
    public static Cinnabar cinnabar(String... extra) throws IOException {
        int mport = ServerProcess.freePort();
        List<String> args = new ArrayList<>(List.of("--save", "", "--memcached-port", Integer.toString(mport)));
        args.addAll(List.of(extra));
        ServerProcess p = ServerProcess.cinnabar(args.toArray(new String[0]));
        awaitPort(mport, p);
        return new Cinnabar(p, mport);
    }

    /** A running Cinnabar: its RESP port is {@code process.port()}. */
    public static final class Cinnabar implements AutoCloseable {
        public final ServerProcess process;
        public final int memcachedPort;

        Cinnabar(ServerProcess process, int memcachedPort) {
            this.process = process;
            this.memcachedPort = memcachedPort;
        }

        public int respPort() {
            return process.port();
        }

        @Override
        public void close() {
            process.close();
        }
    }

    private static void awaitPort(int port, ServerProcess p) throws IOException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
        }
        p.close();
        throw new IOException("Cinnabar did not listen for memcached on " + port + ":\n" + p.log());
    }

    /** A program from PATH; memcached, memccapable and memcslap come from Debian's memcached and libmemcached-tools. */
    public static String binary(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        throw new IllegalStateException(name + " is not installed; install Debian's memcached and libmemcached-tools");
    }
}
