package org.alpenstack.it.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.alpenstack.admin.Server;
import org.alpenstack.admin.api.AdminApiOptions;
import org.alpenstack.it.link.Lab;
import org.alpenstack.shim.ShimLibrary;
import org.alpenstack.tenant.config.ConfigParser;
import org.alpenstack.tenant.config.TenantConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server gives each instance a shim endpoint, and the API sees who is attached: a
 * program run through the launcher shows in /clients with its pid and name, its listening
 * socket in /connections names it as owner (like {@code ss -p}), and once the program exits it
 * is gone from /clients. Root only (AF_PACKET link on a veth in namespaces the test creates,
 * the server's endpoints under /run/alpenstack).
 */
class ShimClientsApiTest {
    @TempDir
    Path dir;

    @Test
    void attachedProgramsAppearInClientsAndOwnTheirConnections() throws Exception {
        Lab.assumeRoot();
        String name = "clients" + ProcessHandle.current().pid() % 100000;
        Path launcher = ShimLibrary.extract(dir.resolve("lib")).resolve(ShimLibrary.LAUNCHER);
        Server server = null;
        Process program = null;
        try (Lab lab = Lab.create("clients")) {
            TenantConfig config = ConfigParser.parse("{\"links\": [{\"name\": \"lan\", \"type\": \"afpacket\", \"device\": \""
                    + lab.srvDev + "\", \"netns\": \"" + lab.srv + "\"}], \"instances\": [{\"name\": \"" + name
                    + "\", \"link\": \"lan\", \"addresses\": [\"192.0.2.70/24\"]}]}");
            server = Server.start(config, AdminApiOptions.defaults().withPort(0), null);
            String base = "http://127.0.0.1:" + server.adminPort() + "/api/v1/instances/" + name;
            Path endpoint = Path.of(System.getenv().getOrDefault("ALPENSTACK_SOCKET_DIR", "/run/alpenstack"), name + ".sock");
            waitFor(() -> Files.exists(endpoint), "the endpoint " + endpoint);

            program = new ProcessBuilder(launcher.toString(), "--endpoint", endpoint.toString(), "--", "python3", "-c",
                    "import socket,time\ns=socket.socket()\ns.bind(('0.0.0.0',5555))\ns.listen()\nprint('ready',flush=True)\n"
                            + "time.sleep(60)").redirectErrorStream(true).start();
            assertEquals("ready", new String(program.getInputStream().readNBytes(5)), "the program did not start");

            JsonPath[] clients = new JsonPath[1];
            waitFor(() -> {
                clients[0] = RestAssured.get(base + "/clients").then().statusCode(200).extract().jsonPath();
                return clients[0].getList("program").contains("python3");
            }, "python3 in /clients");
            Map<String, Object> client = clients[0].getMap("find { it.program == 'python3' }");
            int pid = (Integer) client.get("pid");
            assertTrue(pid > 0 && ((Integer) client.get("sockets")) >= 1, "client " + client);

            List<Map<String, Object>> conns = RestAssured.get(base + "/connections").then().statusCode(200).extract()
                    .jsonPath().getList("findAll { it.local == '0.0.0.0:5555' }");
            assertEquals(1, conns.size(), "the listener at :5555 in " + conns);
            assertEquals(pid, conns.get(0).get("pid"));
            assertEquals("python3", conns.get(0).get("program"));

            program.destroy();
            program.waitFor();
            waitFor(() -> !RestAssured.get(base + "/clients").then().statusCode(200).extract().jsonPath()
                    .getList("program").contains("python3"), "python3 gone from /clients");
        } finally {
            if (program != null) {
                program.destroyForcibly();
            }
            if (server != null) {
                server.stop();
            }
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier c, String what) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
