package io.artifactkeeper.api.format;

import java.util.Locale;

/** How a repository gets its content. */
public enum RepositoryType {
    /** Hosted: stores what is uploaded. */
    LOCAL,
    /** Caching proxy of an upstream registry. */
    REMOTE,
    /** Several repositories merged behind one URL. */
    VIRTUAL,
    /** Local, feeding promotion. */
    STAGING;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RepositoryType fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }

    /** Whether uploads are stored in this repository itself. */
    public boolean hosted() {
        return this == LOCAL || this == STAGING;
    }
}
