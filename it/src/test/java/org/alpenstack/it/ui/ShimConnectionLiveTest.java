package org.alpenstack.it.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.alpenstack.admin.Server;
import org.alpenstack.admin.api.AdminApiOptions;
import org.alpenstack.it.link.Lab;
import org.alpenstack.shim.ShimLibrary;
import org.alpenstack.tenant.config.ConfigParser;
import org.alpenstack.tenant.config.TenantConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/**
 * The dashboard of the real server while an unmodified curl, attached to an instance through
 * the preload shim, downloads (slowly) from a Linux peer: the connection appears in the
 * instance page's table through /events without a reload, named with its program, and leaves
 * when curl ends. Root only (AF_PACKET link on a veth in namespaces the test creates).
 */
class ShimConnectionLiveTest {
    @TempDir
    Path dir;

    @Test
    void aCurlThroughTheShimAppearsLiveInTheConnectionsTable() throws Exception {
        Lab.assumeRoot();
        String name = "live" + ProcessHandle.current().pid() % 100000;
        Path launcher = ShimLibrary.extract(dir.resolve("lib")).resolve(ShimLibrary.LAUNCHER);
        Path www = Files.createDirectories(dir.resolve("www"));
        // Far more than every buffer on the way can hold (the stack's receive buffer, the
        // endpoint's unix socket to curl: several MiB together), so curl's rate limit, not the
        // buffers, decides when the transfer ends and the connection stays established meanwhile.
        Files.write(www.resolve("big"), new byte[32 << 20]);
        Server server = null;
        Process web = null;
        Process curl = null;
        try (Lab lab = Lab.create("uilive"); Browser browser = Browser.start()) {
            web = new ProcessBuilder("ip", "netns", "exec", lab.peer, "python3", "-m", "http.server", "8000", "--bind",
                    Lab.PEER_IP, "--directory", www.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("web.log").toFile()).start();
            TenantConfig config = ConfigParser.parse("{\"links\": [{\"name\": \"lan\", \"type\": \"afpacket\", \"device\": \""
                    + lab.srvDev + "\", \"netns\": \"" + lab.srv + "\"}], \"instances\": [{\"name\": \"" + name
                    + "\", \"link\": \"lan\", \"addresses\": [\"192.0.2.71/24\"]}]}");
            server = Server.start(config, AdminApiOptions.defaults().withPort(0), null);
            Path endpoint = Path.of(System.getenv().getOrDefault("ALPENSTACK_SOCKET_DIR", "/run/alpenstack"), name + ".sock");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!Files.exists(endpoint) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }

            String base = "http://127.0.0.1:" + server.adminPort();
            browser.driver.get(base + "/#/instances/" + name);
            browser.until(textToBePresentInElementLocated(By.id("live"), "live"));
            browser.until(textToBePresentInElementLocated(By.id("interfaces-table"), "192.0.2.71/24"));
            // a reload would lose this mark: the row must arrive through /events
            ((JavascriptExecutor) browser.driver).executeScript("window.alpenstackNoReload = 1");

            // at 200 KB/s it would take minutes: the test ends it once the row was seen
            curl = new ProcessBuilder(launcher.toString(), "--endpoint", endpoint.toString(), "--", "curl", "-s",
                    "--retry", "5", "--retry-connrefused", "--limit-rate", "200k", "-o", "/dev/null",
                    "http://" + Lab.PEER_IP + ":8000/big").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("curl.log").toFile()).start();
            By row = By.cssSelector("#connections tr[data-state='ESTAB']");
            WebElement conn = browser.waiting(Duration.ofSeconds(20)).until(presenceOfElementLocated(row));
            String text = conn.getText();
            assertTrue(text.contains(Lab.PEER_IP + ":8000"), text);
            browser.waiting(Duration.ofSeconds(10)).until(d -> browser.find("#connections tr[data-state='ESTAB']")
                    .getText().contains("curl"));
            assertEquals(1L, ((JavascriptExecutor) browser.driver).executeScript("return window.alpenstackNoReload"),
                    "the page was not reloaded");
            ((JavascriptExecutor) browser.driver).executeScript(
                    "document.querySelector('#connections').scrollIntoView()");
            browser.screenshot("shim-curl-live");

            curl.destroy();
            curl.waitFor();
            browser.waiting(Duration.ofSeconds(20)).until(d -> browser.findAll("#connections tr[data-state='ESTAB']").isEmpty());
            browser.assertNoConsoleErrors();
        } finally {
            for (Process p : new Process[] {curl, web}) {
                if (p != null) {
                    p.destroyForcibly();
                }
            }
            if (server != null) {
                server.stop();
            }
        }
    }
}
