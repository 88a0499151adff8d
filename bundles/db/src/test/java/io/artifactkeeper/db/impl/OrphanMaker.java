package io.artifactkeeper.db.impl;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link EmbeddedPostgresServerTest}: starts the embedded server, writes a
 * row, says READY and waits to be killed with -9, which leaves the postmaster running.
 */
public final class OrphanMaker {

    private OrphanMaker() {
    }

    public static void main(String[] args) throws Exception {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.start(Path.of(args[0]), Path.of(args[1]),
                Integer.parseInt(args[2]));
        TestPostgres.execute(TestPostgres.url(server), "CREATE TABLE IF NOT EXISTS survivor (v text)");
        TestPostgres.execute(TestPostgres.url(server), "INSERT INTO survivor VALUES ('written before kill -9')");
        System.out.println("READY " + server.pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
