package io.artifactkeeper.format.nuget.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** .nupkg files built here, with the JDK's zip writer, as {@code nuget pack} lays them out. */
final class NugetTestPackages {
    static final String BOUNDARY = "nuget-push-boundary-7d1";

    private NugetTestPackages() {
    }

    static String nuspec(String id, String version) {
        return nuspec(id, version, "");
    }

    static String nuspec(String id, String version, String extra) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                + "<package xmlns=\"http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd\">\n  <metadata>\n"
                + "    <id>" + id + "</id>\n    <version>" + version + "</version>\n"
                + "    <authors>Test Author</authors>\n    <description>A package named " + id + "</description>\n"
                + "    <tags>demo test</tags>\n" + extra
                + "  </metadata>\n</package>\n";
    }

    static byte[] nupkg(String id, String version) throws IOException {
        return zip(id + ".nuspec", nuspec(id, version).getBytes(StandardCharsets.UTF_8));
    }

    static byte[] zip(Object... nameAndBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (int i = 0; i < nameAndBytes.length; i += 2) {
                z.putNextEntry(entry((String) nameAndBytes[i]));
                z.write((byte[]) nameAndBytes[i + 1]);
                z.closeEntry();
            }
            z.putNextEntry(entry("lib/netstandard2.0/_._"));
            z.closeEntry();
        }
        return out.toByteArray();
    }

    /** A fixed time, so that the same package built twice has the same bytes. */
    private static ZipEntry entry(String name) {
        ZipEntry e = new ZipEntry(name);
        e.setTime(1_700_000_000_000L);
        return e;
    }

    /** The multipart body {@code nuget push} sends. */
    static byte[] pushBody(byte[] nupkg) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"package\"; filename=\"package.nupkg\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(nupkg);
        out.write(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    static String pushType() {
        return "multipart/form-data; boundary=" + BOUNDARY;
    }
}
