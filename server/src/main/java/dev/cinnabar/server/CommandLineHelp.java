package dev.cinnabar.server;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The --help and --version texts, written by picocli; every other argument is the redis-server
 * command line, which {@link dev.cinnabar.server.config.ServerArguments} reads.
 */
@Command(name = "cinnabar-server",
        versionProvider = CommandLineHelp.VersionText.class,
        usageHelpWidth = 100,
        customSynopsis = {
            "java -jar cinnabar-server.jar [configfile | -] [--directive value ...]",
            "       java -jar cinnabar-server.jar -h | --help | -v | --version",
        },
        description = {
            "",
            "Cinnabar, a Redis-compatible in-memory data structure server on the JVM.",
            "It reads redis.conf files and takes the same command line as redis-server.",
        },
        footer = {
            "",
            "The configuration is the file (or standard input when the argument is '-', or both when",
            "'-' comes last), followed by the options: each --name starts a config line and the",
            "arguments after it are its values, so the last setting of a directive wins.",
            "",
            "Examples:",
            "  java -jar cinnabar-server.jar",
            "  java -jar cinnabar-server.jar /etc/redis/redis.conf",
            "  java -jar cinnabar-server.jar --port 7777",
            "  java -jar cinnabar-server.jar --port 7777 --replicaof 127.0.0.1 8888",
            "  java -jar cinnabar-server.jar cinnabar.conf --loglevel verbose --save 60 1000",
            "  echo 'maxmemory 128mb' | java -jar cinnabar-server.jar -",
        })
public final class CommandLineHelp implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = {"-v", "--version"}, versionHelp = true,
            description = "Show the version, and the Redis version Cinnabar is compatible with, and exit.")
    boolean version;

    @Parameters(paramLabel = "configfile", arity = "0..1",
            description = "A redis.conf-style configuration file, or '-' for standard input.")
    String configFile;

    @Override
    public Integer call() {
        return 0;
    }

    static final class VersionText implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "Cinnabar server v=" + Version.CINNABAR + " redis_version=" + Version.REDIS + " bits=64 java="
                        + System.getProperty("java.version"),
            };
        }
    }
}
