package dev.cinnabar.server.config;

/**
 * The live configuration. Fields hold the values the server reads on its hot paths; the
 * directive table ({@link ConfigDirectives}) maps every Redis directive name onto them and is
 * what the config file, the command line and CONFIG GET/SET go through.
 *
 * <p>Only the engine thread changes these after start (CONFIG SET runs there), and only the engine
 * thread reads those it changes; the transport reads its few settings once at start.
 */
public final class ServerConfig {
    public String[] bind = {"*", "-::*"};
    public int port = 6379;
    public String unixSocket = "";
    public int unixSocketPerm = 0;
    public int tcpBacklog = 511;
    public int databases = 16;
    /** Empty when no password is set. */
    public String requirePass = "";
    public int maxClients = 10000;
    public int hz = 10;
    public boolean dynamicHz = true;
    public long timeoutSeconds = 0;
    public int tcpKeepAlive = 300;
    public long protoMaxBulkLen = 512L * 1024 * 1024;
    public long clientQueryBufferLimit = 1024L * 1024 * 1024;
    public int ioThreads = 1;
    public String logFile = "";
    public String logLevel = "notice";
    public String pidFile = "";
    public String dir = "";
    public boolean protectedMode = true;
    public int activeExpireEffort = 1;
    /** Bytes; 0 means no limit. */
    public long maxMemory = 0;
    /** One of Redis's policy names, e.g. {@code noeviction}, {@code allkeys-lfu}. */
    public String maxMemoryPolicy = "noeviction";
    public boolean activeRehashing = true;
    /** The config file given at start, absolute, or empty. CONFIG REWRITE writes here. */
    public String configFile = "";

    public boolean authRequired() {
        return !requirePass.isEmpty();
    }
}
