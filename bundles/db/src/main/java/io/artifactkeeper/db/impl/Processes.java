package io.artifactkeeper.db.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Waiting for processes that are not our children (the postmaster is pg_ctl's, then init's). */
final class Processes {

    private Processes() {
    }

    /**
     * Whether the process has ended. A zombie counts as ended: it holds no port, file or shared
     * memory any more, only a process-table entry until its parent reaps it.
     */
    static boolean hasExited(ProcessHandle process) {
        if (!process.isAlive()) {
            return true;
        }
        try {
            // /proc/<pid>/stat: "<pid> (<comm>) <state> ..."; comm may contain spaces and parentheses
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"),
                    StandardCharsets.US_ASCII);
            int end = stat.lastIndexOf(')');
            return end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'Z';
        } catch (IOException | RuntimeException e) {
            return !process.isAlive();
        }
    }

    /**
     * Waits until the process has exited. ProcessHandle.onExit() polls processes that are not
     * children with sleeps growing from 300 ms, which would make every stop take over a second;
     * this polls every 20 ms.
     *
     * @return whether it exited within {@code timeout}
     */
    static boolean awaitExit(ProcessHandle process, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!hasExited(process)) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return hasExited(process);
            }
        }
        return true;
    }
}
