package dev.cinnabar.server.info;

import dev.cinnabar.server.Version;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.config.ServerConfig;
import io.netty.channel.epoll.Epoll;
import java.io.File;
import java.net.URISyntaxException;
import java.security.CodeSource;
import java.util.Locale;

/** {@code # Server}: versions, platform, process and clock facts, with Redis's field names. */
final class ServerSection implements InfoSection {
    private static final String OS = System.getProperty("os.name") + " " + System.getProperty("os.version")
            + " " + unameMachine(System.getProperty("os.arch", ""));
    private static final String ARCH_BITS = System.getProperty("sun.arch.data.model", "64");
    private static final long PID = ProcessHandle.current().pid();
    private static final String EXECUTABLE = executable();
    /** A stable hexadecimal id per release, where Redis prints a hash of its build. */
    private static final String BUILD_ID = Long.toHexString(Version.CINNABAR.hashCode() & 0xffffffffL);

    @Override
    public String name() {
        return "server";
    }

    @Override
    public boolean isDefault() {
        return true;
    }

    @Override
    public void write(ServerContext server, InfoWriter out) {
        ServerConfig config = server.config();
        long uptimeSeconds = Math.max(0, (server.clock().millis() - server.stats().startMillis) / 1000);
        out.header("Server")
                .field("redis_version", Version.REDIS)
                .field("cinnabar_version", Version.CINNABAR)
                .field("redis_git_sha1", "00000000")
                .field("redis_git_dirty", 0)
                .field("redis_build_id", BUILD_ID)
                .field("redis_mode", server.config().clusterEnabled ? "cluster" : "standalone")
                .field("os", OS)
                .field("arch_bits", ARCH_BITS)
                // System.nanoTime is clock_gettime(CLOCK_MONOTONIC) on Linux, as Redis's default.
                .field("monotonic_clock", "POSIX clock_gettime")
                // The transport picks native epoll whenever Netty offers it, NIO otherwise.
                .field("multiplexing_api", Epoll.isAvailable() ? "epoll" : "nio")
                .field("atomicvar_api", "java-atomic")
                // Redis prints 0.0.0 when it was not built by GCC.
                .field("gcc_version", "0.0.0")
                .field("process_id", PID)
                .field("process_supervised", "no")
                .field("run_id", server.ids().runId())
                .field("tcp_port", config.port)
                .field("server_time_usec", server.clock().micros())
                .field("uptime_in_seconds", uptimeSeconds)
                .field("uptime_in_days", uptimeSeconds / 86400)
                .field("hz", server.hz())
                .field("configured_hz", config.hz)
                .field("lru_clock", server.keyspace().lruClock())
                .field("executable", EXECUTABLE)
                .field("config_file", config.configFile)
                .field("io_threads_active", config.ioThreads > 1 ? 1 : 0);
    }

    /** Java's os.arch names as uname -m prints them, which is what Redis shows. */
    private static String unameMachine(String arch) {
        switch (arch.toLowerCase(Locale.ROOT)) {
            case "amd64":
                return "x86_64";
            case "x86":
                return "i686";
            default:
                return arch;
        }
    }

    /** The server JAR when running from one (what a restart would run), else the java binary. */
    private static String executable() {
        try {
            CodeSource source = Version.class.getProtectionDomain().getCodeSource();
            if (source != null) {
                File f = new File(source.getLocation().toURI());
                if (f.isFile()) {
                    return f.getAbsolutePath();
                }
            }
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            // fall through to the java binary
        }
        return ProcessHandle.current().info().command().orElse("");
    }
}
