package io.artifactkeeper.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class RouterTest {

    @Test
    void templatesBindDecodedParameters() throws Exception {
        List<String> seen = new ArrayList<>();
        Router r = new Router()
                .add("GET", "/api/v1/repositories/{key}", ex -> seen.add("repo:" + ex.param("key")))
                .add("PUT", "/api/v1/repositories/{key}/artifacts/{path+}", ex -> seen.add("put:" + ex.param("key") + ":" + ex.param("path")));
        assertThat(r.dispatch(exchange("GET"), "/api/v1/repositories/my-repo")).isEqualTo(Router.Outcome.MATCHED);
        assertThat(r.dispatch(exchange("PUT"), "/api/v1/repositories/r/artifacts/a/b%20c/d.jar")).isEqualTo(Router.Outcome.MATCHED);
        assertThat(r.dispatch(exchange("DELETE"), "/api/v1/repositories/r")).isEqualTo(Router.Outcome.WRONG_METHOD);
        assertThat(r.dispatch(exchange("GET"), "/api/v1/nothing")).isEqualTo(Router.Outcome.NOT_FOUND);
        assertThat(r.dispatch(exchange("HEAD"), "/api/v1/repositories/x")).isEqualTo(Router.Outcome.MATCHED);
        assertThat(seen).containsExactly("repo:my-repo", "put:r:a/b c/d.jar", "repo:x");
    }

    /** A malformed escape in a templated segment is a 400, not an IllegalArgumentException (a 500). */
    @Test
    void aMalformedEscapeIsABadRequest() {
        Router r = new Router().add("PUT", "/api/v1/repositories/{key}/artifacts/{path+}", ex -> { });
        for (String bad : new String[] {"/api/v1/repositories/r/artifacts/a/%zz", "/api/v1/repositories/r/artifacts/a%",
            "/api/v1/repositories/%2/artifacts/a", "/api/v1/repositories/r/artifacts/%\u06f2e"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.dispatch(exchange("PUT"), bad)).as(bad)
                    .isInstanceOf(io.artifactkeeper.api.format.FormatException.class)
                    .satisfies(e -> assertThat(((io.artifactkeeper.api.format.FormatException) e).status()).isEqualTo(400));
        }
    }

    private static Exchange exchange(String method) {
        jakarta.servlet.http.HttpServletRequest req = (jakarta.servlet.http.HttpServletRequest) java.lang.reflect.Proxy
                .newProxyInstance(RouterTest.class.getClassLoader(),
                        new Class<?>[] {jakarta.servlet.http.HttpServletRequest.class},
                        (p, m, a) -> m.getName().equals("getMethod") ? method : null);
        return new Exchange(req, null, "/");
    }
}
