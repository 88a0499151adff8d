package io.artifactkeeper.core.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.artifactkeeper.core.CorePlatform;
import io.artifactkeeper.core.http.ApiException;
import io.artifactkeeper.core.http.Exchange;
import io.artifactkeeper.core.http.Router;
import io.artifactkeeper.core.security.PasswordPolicy;
import io.artifactkeeper.core.security.Principal;
import io.artifactkeeper.core.security.Secrets;
import io.artifactkeeper.core.store.IdentityStore;
import io.artifactkeeper.core.store.RepositoryStore;
import io.artifactkeeper.core.store.UserRecord;

/** {@code /api/v1/auth}, {@code /users}, {@code /groups}, {@code /permissions}. */
public final class IdentityApi {
    private static final java.util.regex.Pattern USERNAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");

    private final CorePlatform core;

    public IdentityApi(CorePlatform core) {
        this.core = core;
    }

    private IdentityStore users() {
        return core.identity().store();
    }

    public void register(Router r) {
        String a = "/api/v1/auth";
        r.add("POST", a + "/login", ex -> {
            Map<String, Object> b = ex.readJson();
            String u = Exchange.field(b, "username", String.class, true);
            String p = Exchange.field(b, "password", String.class, true);
            ex.json(200, core.identity().login(u, p));
        });
        r.add("POST", a + "/refresh", ex -> {
            Map<String, Object> b = ex.readJson();
            ex.json(200, core.identity().refresh(Exchange.field(b, "refresh_token", String.class, true)));
        });
        r.add("POST", a + "/logout", ex -> {
            Map<String, Object> b = ex.readJson();
            core.identity().logout(Exchange.field(b, "refresh_token", String.class, false));
            ex.noContent();
        });
        r.add("GET", a + "/me", ex -> {
            Principal p = ex.requirePrincipal();
            UserRecord u = users().findUser(p.userId()).orElseThrow(() -> ApiException.unauthorized("user is gone"));
            Map<String, Object> m = u.toJson();
            m.put("scopes", p.scopes());
            ex.json(200, m);
        });
        r.add("POST", a + "/tokens", ex -> createToken(ex, ex.requirePrincipal().userId()));
        r.add("GET", a + "/tokens", ex -> ex.json(200, Exchange.list(users().listTokens(ex.requirePrincipal().userId())
                .stream().map(IdentityStore.TokenRecord::toJson).toList())));
        r.add("DELETE", a + "/tokens/{id}", ex -> {
            if (!users().deleteToken(ex.requirePrincipal().userId(), uuid(ex.param("id")))) {
                throw ApiException.notFound("no such token");
            }
            ex.noContent();
        });

        // users
        r.add("GET", "/api/v1/users", ex -> {
            requireUserAdmin(ex, "read:users");
            ex.json(200, Exchange.list(users().listUsers().stream().map(UserRecord::toJson).toList()));
        });
        r.add("POST", "/api/v1/users", this::createUser);
        r.add("GET", "/api/v1/users/{id}", ex -> {
            UUID id = uuid(ex.param("id"));
            selfOrAdmin(ex, id, "read:users");
            ex.json(200, user(id).toJson());
        });
        r.add("PATCH", "/api/v1/users/{id}", this::updateUser);
        r.add("PUT", "/api/v1/users/{id}", this::updateUser);
        r.add("DELETE", "/api/v1/users/{id}", ex -> {
            requireUserAdmin(ex, "write:users");
            UUID id = uuid(ex.param("id"));
            UserRecord u = user(id);
            if ("admin".equals(u.username())) {
                throw ApiException.badRequest("the built-in admin user cannot be deleted");
            }
            users().deleteUser(id);
            core.identity().invalidateCaches();
            ex.noContent();
        });
        r.add("POST", "/api/v1/users/{id}/password", ex -> {
            UUID id = uuid(ex.param("id"));
            Principal p = ex.requirePrincipal();
            Map<String, Object> b = ex.readJson();
            String np = Exchange.field(b, "new_password", String.class, false);
            if (np == null) {
                np = Exchange.field(b, "password", String.class, true);
            }
            if (!(p.admin() && p.hasScope("write:users"))) {
                if (!p.userId().equals(id)) {
                    throw ApiException.forbidden("you may change only your own password");
                }
                String current = Exchange.field(b, "current_password", String.class, true);
                // through the identity service: a guess here is throttled like any other password check
                if (core.identity().checkPassword(user(id).username(), current).isEmpty()) {
                    throw ApiException.unauthorized("current password is wrong");
                }
            }
            UserRecord target = user(id);
            checkPassword(target.username(), np, target.admin());
            users().setPassword(id, Secrets.hashPassword(np), false);
            core.identity().invalidateCaches();
            ex.noContent();
        });
        // lockouts after failed password checks (not in API.md: an addition of this server, see SECURITY.md)
        r.add("GET", "/api/v1/users/{id}/lockout", ex -> {
            UUID id = uuid(ex.param("id"));
            selfOrAdmin(ex, id, "read:users");
            ex.json(200, lockout(user(id)));
        });
        r.add("DELETE", "/api/v1/users/{id}/lockout", ex -> {
            requireUserAdmin(ex, "write:users");
            UserRecord u = user(uuid(ex.param("id")));
            core.identity().throttle().unlockUser(u.username());
            ex.noContent();
        });
        r.add("DELETE", "/api/v1/admin/lockouts", ex -> {
            requireUserAdmin(ex, "write:users");
            ex.json(200, Map.of("cleared", core.identity().throttle().unlockAll()));
        });
        r.add("GET", "/api/v1/users/{id}/tokens", ex -> {
            UUID id = uuid(ex.param("id"));
            selfOrAdmin(ex, id, "read:users");
            ex.json(200, Exchange.list(users().listTokens(id).stream().map(IdentityStore.TokenRecord::toJson).toList()));
        });
        r.add("POST", "/api/v1/users/{id}/tokens", ex -> {
            UUID id = uuid(ex.param("id"));
            selfOrAdmin(ex, id, "write:users");
            user(id);
            createToken(ex, id);
        });
        r.add("DELETE", "/api/v1/users/{id}/tokens/{tid}", ex -> {
            UUID id = uuid(ex.param("id"));
            selfOrAdmin(ex, id, "write:users");
            if (!users().deleteToken(id, uuid(ex.param("tid")))) {
                throw ApiException.notFound("no such token");
            }
            ex.noContent();
        });

        // groups
        // Groups and their members are for administrators; other users see only the groups they are in,
        // without the other members (who belongs where is not everyone's business: issue 13, item 20)
        r.add("GET", "/api/v1/groups", ex -> {
            Principal p = ex.requirePrincipal();
            ex.json(200, Exchange.list(users().listGroups().stream().filter(g -> seesGroup(p, g))
                    .map(g -> groupJson(p, g)).toList()));
        });
        r.add("POST", "/api/v1/groups", ex -> {
            requireUserAdmin(ex, "write:users");
            Map<String, Object> b = ex.readJson();
            String name = Exchange.field(b, "name", String.class, true);
            if (users().findGroupByName(name).isPresent()) {
                throw ApiException.conflict("group " + name + " exists");
            }
            ex.json(201, users().createGroup(name, Exchange.field(b, "description", String.class, false)).toJson());
        });
        r.add("GET", "/api/v1/groups/{id}", ex -> {
            Principal p = ex.requirePrincipal();
            IdentityStore.GroupRecord g = group(uuid(ex.param("id")));
            if (!seesGroup(p, g)) {
                throw ApiException.notFound("no such group");
            }
            ex.json(200, groupJson(p, g));
        });
        r.add("PUT", "/api/v1/groups/{id}", ex -> {
            requireUserAdmin(ex, "write:users");
            UUID id = uuid(ex.param("id"));
            group(id);
            Map<String, Object> b = ex.readJson();
            users().updateGroup(id, Exchange.field(b, "name", String.class, false),
                    Exchange.field(b, "description", String.class, false));
            ex.json(200, group(id).toJson());
        });
        r.add("DELETE", "/api/v1/groups/{id}", ex -> {
            requireUserAdmin(ex, "write:users");
            if (!users().deleteGroup(uuid(ex.param("id")))) {
                throw ApiException.notFound("no such group");
            }
            ex.noContent();
        });
        r.add("POST", "/api/v1/groups/{id}/members", ex -> members(ex, true));
        r.add("DELETE", "/api/v1/groups/{id}/members", ex -> members(ex, false));

        // permissions
        r.add("GET", "/api/v1/permissions", ex -> {
            requireUserAdmin(ex, "read:users");
            ex.json(200, Exchange.list(core.repositories().listPermissions().stream()
                    .map(RepositoryStore.PermissionRecord::toJson).toList()));
        });
        r.add("POST", "/api/v1/permissions", ex -> {
            requireUserAdmin(ex, "write:users");
            Map<String, Object> b = ex.readJson();
            String pt = Exchange.field(b, "principal_type", String.class, true);
            if (!pt.equals("user") && !pt.equals("group")) {
                throw ApiException.badRequest("principal_type must be user or group");
            }
            UUID pid = uuid(Exchange.field(b, "principal_id", String.class, true));
            if (pt.equals("user")) {
                user(pid);
            } else {
                group(pid);
            }
            String tt = b.get("target_type") == null ? "repository" : Exchange.field(b, "target_type", String.class, true);
            if (!tt.equals("repository")) {
                throw ApiException.badRequest("target_type must be repository");
            }
            UUID tid = repositoryId(Exchange.field(b, "target_id", String.class, true));
            ex.json(201, core.repositories().createPermission(pt, pid, tt, tid, actions(b)).toJson());
        });
        r.add("GET", "/api/v1/permissions/{id}", ex -> {
            requireUserAdmin(ex, "read:users");
            ex.json(200, core.repositories().findPermission(uuid(ex.param("id")))
                    .orElseThrow(() -> ApiException.notFound("no such permission")).toJson());
        });
        r.add("PUT", "/api/v1/permissions/{id}", ex -> {
            requireUserAdmin(ex, "write:users");
            UUID id = uuid(ex.param("id"));
            if (!core.repositories().updatePermission(id, actions(ex.readJson()))) {
                throw ApiException.notFound("no such permission");
            }
            ex.json(200, core.repositories().findPermission(id).orElseThrow().toJson());
        });
        r.add("DELETE", "/api/v1/permissions/{id}", ex -> {
            requireUserAdmin(ex, "write:users");
            if (!core.repositories().deletePermission(uuid(ex.param("id")))) {
                throw ApiException.notFound("no such permission");
            }
            ex.noContent();
        });
    }

    private UUID repositoryId(String idOrKey) {
        try {
            UUID id = UUID.fromString(idOrKey);
            return core.repositories().find(id).orElseThrow(() -> ApiException.notFound("no repository " + idOrKey)).id();
        } catch (IllegalArgumentException e) {
            return core.repositories().find(idOrKey).orElseThrow(() -> ApiException.notFound("no repository " + idOrKey)).id();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> actions(Map<String, Object> b) {
        Object a = b.get("actions");
        if (!(a instanceof List<?> l) || l.isEmpty()) {
            throw ApiException.badRequest("actions must be a non-empty list of read, write, delete, admin");
        }
        List<String> out = new ArrayList<>();
        for (Object o : l) {
            String s = String.valueOf(o);
            if (!List.of("read", "write", "delete", "admin").contains(s)) {
                throw ApiException.badRequest("unknown action: " + s);
            }
            out.add(s);
        }
        return out;
    }

    private void members(Exchange ex, boolean add) throws Exception {
        requireUserAdmin(ex, "write:users");
        UUID gid = uuid(ex.param("id"));
        group(gid);
        Map<String, Object> b = ex.readJson();
        List<UUID> ids = new ArrayList<>();
        Object list = b.containsKey("user_ids") ? b.get("user_ids") : b.get("members");
        if (list instanceof List<?> l) {
            for (Object o : l) {
                ids.add(uuid(String.valueOf(o)));
            }
        } else if (b.get("user_id") != null) {
            ids.add(uuid(String.valueOf(b.get("user_id"))));
        } else {
            throw ApiException.badRequest("user_ids (a list) or user_id is required");
        }
        for (UUID id : ids) {
            user(id);
        }
        if (add) {
            users().addMembers(gid, ids);
        } else {
            users().removeMembers(gid, ids);
        }
        ex.json(200, group(gid).toJson());
    }

    private void createToken(Exchange ex, UUID userId) throws Exception {
        Map<String, Object> b = ex.readJson();
        @SuppressWarnings("unchecked")
        List<String> scopes = (List<String>) Exchange.field(b, "scopes", List.class, false);
        Map<String, Object> t = core.identity().createToken(userId, Exchange.field(b, "name", String.class, true), scopes,
                Exchange.field(b, "expires_in_days", Integer.class, false), ex.requirePrincipal().scopes());
        ex.json(201, t);
    }

    private void createUser(Exchange ex) throws Exception {
        requireUserAdmin(ex, "write:users");
        Map<String, Object> b = ex.readJson();
        String username = Exchange.field(b, "username", String.class, true);
        if (!USERNAME.matcher(username).matches()) {
            throw ApiException.badRequest("username must match " + USERNAME.pattern());
        }
        if (users().findUser(username).isPresent()) {
            throw ApiException.conflict("user " + username + " exists");
        }
        String password = Exchange.field(b, "password", String.class, false);
        Boolean admin = Exchange.field(b, "is_admin", Boolean.class, false);
        if (password != null) {
            checkPassword(username, password, Boolean.TRUE.equals(admin));
        }
        UserRecord u = users().createUser(username, Exchange.field(b, "email", String.class, false),
                Exchange.field(b, "display_name", String.class, false),
                password == null ? null : Secrets.hashPassword(password), "local", Boolean.TRUE.equals(admin),
                Boolean.TRUE.equals(Exchange.field(b, "must_change_password", Boolean.class, false)));
        ex.json(201, u.toJson());
    }

    private void updateUser(Exchange ex) throws Exception {
        UUID id = uuid(ex.param("id"));
        Principal p = selfOrAdmin(ex, id, "write:users");
        user(id);
        Map<String, Object> b = ex.readJson();
        Boolean admin = Exchange.field(b, "is_admin", Boolean.class, false);
        Boolean active = Exchange.field(b, "is_active", Boolean.class, false);
        if ((admin != null || active != null) && !p.admin()) {
            throw ApiException.forbidden("only administrators change is_admin or is_active");
        }
        users().updateUser(id, Exchange.field(b, "email", String.class, false),
                Exchange.field(b, "display_name", String.class, false), admin, active);
        String pw = Exchange.field(b, "password", String.class, false);
        if (pw != null && p.admin()) {
            UserRecord target = user(id);
            checkPassword(target.username(), pw, target.admin());
            users().setPassword(id, Secrets.hashPassword(pw), false);
        }
        core.identity().invalidateCaches();
        ex.json(200, user(id).toJson());
    }

    private static void checkPassword(String username, String pw, boolean admin) {
        PasswordPolicy.problem(username, pw, admin).ifPresent(why -> {
            throw ApiException.badRequest(why);
        });
    }

    private Map<String, Object> lockout(UserRecord u) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        java.util.Optional<java.time.Instant> until = core.identity().throttle().lockedUntil(u.username());
        m.put("locked", until.isPresent());
        m.put("locked_until", until.map(Object::toString).orElse(null));
        m.put("failed_attempts", core.identity().throttle().failures(u.username()));
        return m;
    }

    private static boolean groupAdmin(Principal p) {
        return p.admin() && p.hasScope("read:users");
    }

    private static boolean seesGroup(Principal p, IdentityStore.GroupRecord g) {
        return groupAdmin(p) || g.members().contains(p.userId());
    }

    private static Map<String, Object> groupJson(Principal p, IdentityStore.GroupRecord g) {
        Map<String, Object> m = g.toJson();
        if (!groupAdmin(p)) {
            m.put("members", List.of(p.userId().toString()));
            m.remove("member_count");
        }
        return m;
    }

    private UserRecord user(UUID id) {
        return users().findUser(id).orElseThrow(() -> ApiException.notFound("no such user"));
    }

    private IdentityStore.GroupRecord group(UUID id) {
        return users().findGroup(id).orElseThrow(() -> ApiException.notFound("no such group"));
    }

    private static void requireUserAdmin(Exchange ex, String scope) {
        Principal p = ex.requirePrincipal();
        if (!p.admin() || !p.hasScope(scope)) {
            throw ApiException.forbidden("administrator rights required");
        }
    }

    private static Principal selfOrAdmin(Exchange ex, UUID id, String scope) {
        Principal p = ex.requirePrincipal();
        if (p.userId().equals(id) || (p.admin() && p.hasScope(scope))) {
            return p;
        }
        throw ApiException.forbidden("not allowed");
    }

    static UUID uuid(String s) {
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ApiException.notFound("no such id: " + s);
        }
    }
}
