package io.artifactkeeper.core.repo;

import java.util.List;
import java.util.Locale;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.core.security.Principal;
import io.artifactkeeper.core.store.RepositoryRecord;
import io.artifactkeeper.core.store.RepositoryStore;

/**
 * Who may do what on a repository. Administrators may do everything; anonymous callers may read
 * public repositories and nothing else; other users need a permission (directly or through a
 * group) with the action, and their credential's scope must allow it too.
 */
public final class AccessControl {
    private final RepositoryStore store;

    public AccessControl(RepositoryStore store) {
        this.store = store;
    }

    public boolean allowed(Principal p, RepositoryRecord repo, Access access) {
        if (access == Access.NONE) {
            return true;
        }
        if (p == null) {
            return access == Access.READ && repo.isPublic();
        }
        if (!p.hasScope(scopeFor(access))) {
            return false;
        }
        if (p.admin()) {
            return true;
        }
        if (access == Access.READ && repo.isPublic()) {
            return true;
        }
        List<String> actions = store.actionsOn(repo.id(), p.userId());
        String wanted = access.name().toLowerCase(Locale.ROOT);
        return actions.contains(wanted) || actions.contains("admin")
                || (access == Access.READ && (actions.contains("write") || actions.contains("delete")));
    }

    /**
     * Whether the caller may know the repository exists: it is public, or they are an administrator
     * or hold any permission on it (whatever their credential's scopes). Otherwise it answers like
     * a missing one.
     */
    public boolean visible(Principal p, RepositoryRecord repo) {
        if (repo.isPublic() || (p != null && p.admin())) {
            return true;
        }
        return p != null && !store.actionsOn(repo.id(), p.userId()).isEmpty();
    }

    private static String scopeFor(Access a) {
        return switch (a) {
            case READ -> "read:artifacts";
            case WRITE -> "write:artifacts";
            case DELETE -> "delete:artifacts";
            case ADMIN -> "admin";
            case NONE -> "*";
        };
    }
}
