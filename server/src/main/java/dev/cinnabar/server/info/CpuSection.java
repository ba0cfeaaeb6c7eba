package dev.cinnabar.server.info;

import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.stats.CpuUsage;

/**
 * {@code # CPU}: process time, and the engine thread's time as Redis's main thread. Nothing is
 * ever forked, so the children's times are zero.
 */
final class CpuSection implements InfoSection {
    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public boolean isDefault() {
        return true;
    }

    @Override
    public void write(ServerContext server, InfoWriter out) {
        long[] process = CpuUsage.process();
        long[] engineThread = CpuUsage.currentThread();
        out.header("CPU")
                .field("used_cpu_sys", CpuUsage.seconds(process[1]))
                .field("used_cpu_user", CpuUsage.seconds(process[0]))
                .field("used_cpu_sys_children", "0.000000")
                .field("used_cpu_user_children", "0.000000")
                .field("used_cpu_sys_main_thread", CpuUsage.seconds(engineThread[1]))
                .field("used_cpu_user_main_thread", CpuUsage.seconds(engineThread[0]));
    }
}
