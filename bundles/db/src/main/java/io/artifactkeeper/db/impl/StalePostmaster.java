package io.artifactkeeper.db.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clears what a killed predecessor left in a PostgreSQL data directory: a postmaster still
 * running (pg_ctl starts it detached, so it outlives a JVM killed with -9) or a
 * {@code postmaster.pid} whose process is gone or is now someone else.
 *
 * <p>Stopping the running postmaster is safe only because the directory is ours alone: the launcher
 * holds an exclusive lock on the data directory for the lifetime of the process, and we check that
 * the process is a PostgreSQL whose working directory is this data directory (the postmaster
 * changes into it) before signalling it.
 */
final class StalePostmaster {

    private static final Logger LOG = LoggerFactory.getLogger(StalePostmaster.class);

    static final String PID_FILE = "postmaster.pid";

    private StalePostmaster() {
    }

    /** The process id in {@code <dataDir>/postmaster.pid}, if the file exists and is readable. */
    static Optional<Long> readPid(Path dataDir) {
        Path pidFile = dataDir.resolve(PID_FILE);
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Makes {@code dataDir} startable: stops an orphaned postmaster running on it and removes a
     * stale pid file.
     *
     * @param stopTimeout how long the orphan may take for a fast shutdown (it checkpoints)
     * @return whether an orphaned postmaster was stopped
     */
    static boolean clear(Path dataDir, Duration stopTimeout) throws IOException {
        Path pidFile = dataDir.resolve(PID_FILE);
        if (!Files.exists(pidFile)) {
            return false;
        }
        Optional<Long> pid = readPid(dataDir);
        Optional<ProcessHandle> process = pid.flatMap(ProcessHandle::of).filter(p -> !Processes.hasExited(p));
        boolean stopped = false;
        if (process.isPresent() && isPostmasterOf(process.get(), dataDir)) {
            LOG.warn("PostgreSQL from a previous run is still running on {} (pid {}); stopping it", dataDir, pid.get());
            stop(process.get(), stopTimeout);
            stopped = true;
        } else {
            // PostgreSQL itself ignores a pid file whose process is dead, but not one whose pid was
            // reused by another process: it would refuse to start.
            LOG.info("Removing stale {} (pid {} is not a PostgreSQL running on this directory)", pidFile,
                    pid.map(String::valueOf).orElse("unreadable"));
        }
        Files.deleteIfExists(pidFile);
        return stopped;
    }

    static boolean isPostmasterOf(ProcessHandle process, Path dataDir) {
        Optional<String> command = process.info().command();
        if (command.isPresent() && !command.get().endsWith("postgres")) {
            return false;
        }
        Path cwd = Path.of("/proc", Long.toString(process.pid()), "cwd");
        try {
            return Files.isSameFile(cwd, dataDir);
        } catch (IOException | SecurityException e) {
            // No /proc (not Linux) or not allowed to look: fall back to the command line, which
            // pg_ctl builds with "-D <dataDir>".
            return command.isPresent() && process.info().commandLine()
                    .map(cl -> cl.contains(dataDir.toString()))
                    .orElse(false);
        }
    }

    /**
     * Fast shutdown (SIGINT: open transactions roll back, a checkpoint is written), then immediate
     * shutdown (SIGQUIT: recovery at next start), then SIGKILL; and waits for the server's
     * children too, because a new postmaster refuses to start while old backends still hold the
     * shared memory.
     */
    static void stop(ProcessHandle postmaster, Duration timeout) throws IOException {
        List<ProcessHandle> children = postmaster.descendants().toList();
        if (!(signal(postmaster, "INT") && awaitExit(postmaster, timeout))) {
            LOG.warn("PostgreSQL (pid {}) did not stop within {} s; asking for an immediate shutdown",
                    postmaster.pid(), timeout.toSeconds());
            if (!(signal(postmaster, "QUIT") && awaitExit(postmaster, Duration.ofSeconds(5)))) {
                postmaster.destroyForcibly();
                if (!awaitExit(postmaster, Duration.ofSeconds(5))) {
                    throw new IOException("cannot stop the PostgreSQL process " + postmaster.pid()
                            + " left running by a previous run; stop it by hand");
                }
            }
        }
        for (ProcessHandle child : children) {
            if (!awaitExit(child, Duration.ofSeconds(5))) {
                child.destroyForcibly();
                awaitExit(child, Duration.ofSeconds(2));
            }
        }
    }

    /** Sends a signal with kill(1): the JDK itself can send only TERM and KILL. */
    private static boolean signal(ProcessHandle process, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0) {
                return true;
            }
            kill.destroyForcibly();
        } catch (IOException e) {
            LOG.debug("kill -{} failed", signal, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        // No kill(1): TERM is PostgreSQL's "smart" shutdown, which is as good once the clients are gone.
        return process.destroy();
    }

    private static boolean awaitExit(ProcessHandle process, Duration timeout) {
        return Processes.awaitExit(process, timeout);
    }
}
