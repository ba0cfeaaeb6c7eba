package dev.cinnabar.server;

import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.log.ServerLog;

/** Command-line entry point: {@code java -jar cinnabar-server.jar [config file] [--directive value ...]}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        ServerConfig config = new ServerConfig();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--port")) {
                config.port = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--requirepass")) {
                config.requirePass = args[++i];
            }
        }
        ServerLog.warning("oO0OoO0OoO0Oo Cinnabar is starting oO0OoO0OoO0Oo");
        CinnabarServer server = CinnabarServer.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "cinnabar-shutdown"));
    }
}
