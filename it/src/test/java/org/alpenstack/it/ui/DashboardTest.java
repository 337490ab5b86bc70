package org.alpenstack.it.ui;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openqa.selenium.support.ui.ExpectedConditions.invisibilityOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import io.restassured.http.ContentType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in headless Chromium against the real server (in-process, real stacks on an
 * in-memory link): what an operator does, step by step, with a screenshot of each step under
 * target/ui-screenshots/ and no console error allowed.
 *
 * <p>Connections here are opened on the instances' own contexts through the backend (the
 * in-process equivalent of a program's socket); the variant with curl attached through the
 * shim belongs with the shim's integration.
 */
class DashboardTest {
    private static UiServer server;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        browser = Browser.start();
        server = UiServer.start();
        api().body("{\"name\":\"wire\",\"type\":\"memory\"}").post("/api/v1/links").then().statusCode(201);
        api().body("{\"name\":\"peer\",\"link\":\"wire\",\"addresses\":[\"10.70.0.3/24\"]}")
                .post("/api/v1/instances").then().statusCode(201);
        server.listen("peer", "0.0.0.0", 80);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @AfterEach
    void noConsoleErrorsLeft() {
        browser.assertNoConsoleErrors(Pattern.compile("status of 422"));
    }

    private static io.restassured.specification.RequestSpecification api() {
        return given().baseUri(server.baseUri).contentType(ContentType.JSON);
    }

    /** A fresh page load (a change of the hash alone would keep the old document). */
    private static void open(String hash) {
        browser.driver.get("about:blank");
        browser.driver.get(server.baseUri + "/" + hash);
        browser.until(textToBePresentInElementLocated(By.id("live"), "live"));
    }

    private static WebElement instanceRow(String name) {
        return browser.until(presenceOfElementLocated(By.cssSelector("#instances tr[data-instance='" + name + "']")));
    }

    private static void confirm() {
        browser.until(visibilityOfElementLocated(By.id("confirm")));
        browser.find("#confirm-ok").click();
        browser.until(invisibilityOfElementLocated(By.id("confirm")));
    }

    @Test
    void createOpenRouteLiveConnectionCaptureDelete() throws Exception {
        open("#/");
        browser.until(d -> browser.findAll("#create-link option[value='wire']").size() == 1);
        // the peer's throughput sparkline is drawn from /events samples
        browser.until(presenceOfElementLocated(By.cssSelector("#instances tr[data-instance='peer'] svg.spark polyline.rx")));
        browser.screenshot("tour-01-overview");

        // create through the form
        browser.find("#create-form input[name=name]").sendKeys("blue");
        new Select(browser.find("#create-link")).selectByValue("wire");
        browser.find("#create-form input[name=addresses]").sendKeys("10.70.0.2/24");
        browser.find("#create-form input[name=gateway]").sendKeys("10.70.0.1");
        browser.find("#create-form button[type=submit]").click();
        WebElement row = instanceRow("blue");
        browser.until(d -> row.getText().contains("10.70.0.2/24") && row.getText().contains("running"));
        assertTrue(row.getText().contains("wire"), row.getText());
        assertTrue(row.findElement(By.cssSelector("td:nth-of-type(3)")).getText().matches("(?i)[0-9a-f]{2}(:[0-9a-f]{2}){5}"),
                "the generated MAC is shown: " + row.getText());
        api().get("/api/v1/instances/blue").then().statusCode(200);
        browser.screenshot("tour-02-created");

        // open it
        row.findElement(By.linkText("blue")).click();
        browser.until(textToBePresentInElementLocated(By.tagName("h1"), "blue"));
        browser.until(textToBePresentInElementLocated(By.id("interfaces-table"), "10.70.0.2/24"));
        browser.until(textToBePresentInElementLocated(By.id("routes-table"), "default"));
        ((JavascriptExecutor) browser.driver).executeScript("window.alpenstackNoReload = 1");

        // add a route and delete it
        browser.find("#route-form input[name=destination]").sendKeys("10.80.0.0/24");
        browser.find("#route-form input[name=gateway]").sendKeys("10.70.0.3");
        browser.find("#route-form button[type=submit]").click();
        By route = By.cssSelector("#routes-table tr[data-route='10.80.0.0/24']");
        WebElement routeRow = browser.until(presenceOfElementLocated(route));
        assertTrue(routeRow.getText().contains("10.70.0.3") && routeRow.getText().contains("static"), routeRow.getText());
        api().get("/api/v1/instances/blue/routes").then().body("destination", org.hamcrest.Matchers.hasItem("10.80.0.0/24"));
        scrollTo("#routes");
        browser.screenshot("tour-03-route-added");
        routeRow.findElement(By.cssSelector("button.danger")).click();
        confirm();
        browser.until(d -> browser.findAll("#routes-table tr[data-route='10.80.0.0/24']").isEmpty());
        api().get("/api/v1/instances/blue/routes").then()
                .body("destination", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("10.80.0.0/24")));

        // a connection appears live, through /events, without reloading the page
        scrollTo("#connections");
        server.connect("blue", "10.70.0.3", 80);
        By estab = By.cssSelector("#connections tr[data-state='ESTAB']");
        WebElement conn = browser.waiting(Duration.ofSeconds(5)).until(presenceOfElementLocated(estab));
        assertTrue(conn.getText().contains("10.70.0.3:80"), conn.getText());
        assertEquals(1L, ((JavascriptExecutor) browser.driver).executeScript("return window.alpenstackNoReload"),
                "the page was not reloaded");
        browser.screenshot("tour-04-connection-live");

        // sort and filter the table
        browser.find("#connections th[data-key='remote'] button").click();
        assertEquals("ascending", browser.find("#connections th[data-key='remote']").getAttribute("aria-sort"));
        browser.find("#conn-filter").sendKeys("10.99.");
        browser.until(d -> browser.findAll("#connections tr[data-state]").isEmpty());
        browser.find("#conn-filter").clear();
        browser.find("#conn-filter").sendKeys("10.70.0.3:80");
        browser.until(presenceOfElementLocated(estab));

        // abort it from the table: the row goes, and the server side gets the reset
        browser.find("#connections tr[data-state='ESTAB'] button.danger").click();
        confirm();
        browser.until(d -> browser.findAll("#connections tr[data-state='ESTAB']").isEmpty());
        api().get("/api/v1/instances/blue/connections?state=ESTAB").then().body("", org.hamcrest.Matchers.hasSize(0));

        // capture N packets: a pcap file is downloaded
        scrollTo("#capture");
        WebElement count = browser.find("#capture-form input[name=count]");
        count.clear();
        count.sendKeys("5");
        WebElement seconds = browser.find("#capture-form input[name=seconds]");
        seconds.clear();
        seconds.sendKeys("5");
        new Select(browser.find("#capture-form select[name=protocol]")).selectByValue("udp");
        browser.find("#capture-form button[type=submit]").click();
        browser.until(textToBePresentInElementLocated(By.id("capture-status"), "capturing"));
        Thread.sleep(300); // the request reached the server and the tap is installed
        server.sendUdp("peer", "10.70.0.2", 9, 10);
        Path pcap = browser.awaitDownload(".pcap", Duration.ofSeconds(10));
        byte[] bytes = Files.readAllBytes(pcap);
        assertTrue(pcap.getFileName().toString().startsWith("blue-"), pcap.toString());
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        assertTrue(magic == 0xa1b2c3d4 || Integer.reverseBytes(magic) == 0xa1b2c3d4, "pcap magic: " + Integer.toHexString(magic));
        assertEquals(5, records(bytes), "five UDP frames captured");
        browser.until(textToBePresentInElementLocated(By.id("capture-status"), "saved"));
        browser.screenshot("tour-05-capture");
        // the counters follow (polled): the ten datagrams to a closed port were answered with port unreachables
        browser.until(textToBePresentInElementLocated(By.id("counters-box"), "icmp out dest unreachs"));

        // back to the overview and delete it, with confirmation
        browser.find("header nav a[data-nav='overview']").click();
        instanceRow("blue").findElement(By.cssSelector("button.danger")).click();
        browser.until(visibilityOfElementLocated(By.id("confirm")));
        assertTrue(browser.find("#confirm-text").getText().contains("blue"));
        browser.screenshot("tour-06-confirm-delete");
        browser.find("#confirm-ok").click();
        browser.until(d -> browser.findAll("#instances tr[data-instance='blue']").isEmpty());
        api().get("/api/v1/instances/blue").then().statusCode(404);
        browser.screenshot("tour-07-deleted");
    }

    /** Counts the records of a classic pcap file. */
    private static int records(byte[] pcap) {
        ByteBuffer b = ByteBuffer.wrap(pcap).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != 0xa1b2c3d4) {
            b.order(ByteOrder.BIG_ENDIAN);
        }
        int n = 0;
        int at = 24;
        while (at + 16 <= pcap.length) {
            at += 16 + b.getInt(at + 8);
            n++;
        }
        assertEquals(pcap.length, at, "the pcap ends on a record boundary");
        return n;
    }

    @Test
    void badCidrShowsTheApiErrorNextToTheField() throws Exception {
        open("#/");
        browser.find("#create-form input[name=name]").sendKeys("red");
        new Select(browser.find("#create-link")).selectByValue("wire");
        browser.find("#create-form input[name=addresses]").sendKeys("10.70.0.9/24, 10.1.2.300/24");
        browser.find("#create-form button[type=submit]").click();
        By error = By.cssSelector("#create-form .field[data-field='addresses'] .field-error");
        browser.until(d -> !d.findElement(error).getText().isEmpty());

        String reason = api().body("{\"name\":\"red\",\"link\":\"wire\",\"addresses\":[\"10.70.0.9/24\",\"10.1.2.300/24\"]}")
                .post("/api/v1/instances").then().statusCode(422)
                .extract().path("invalidParams.find { it.name == 'body.addresses[1]' }.reason");
        assertEquals("item 2: " + reason, browser.driver.findElement(error).getText());
        WebElement input = browser.find("#create-form input[name=addresses]");
        assertEquals("true", input.getAttribute("aria-invalid"));
        assertEquals(input, browser.driver.switchTo().activeElement(), "the wrong field has the focus");
        assertTrue(browser.find("#create-form .field[data-field='name'] .field-error").getText().isEmpty());
        browser.screenshot("bad-cidr");
        api().get("/api/v1/instances/red").then().statusCode(404);

        // corrected, the same form succeeds and the error goes away
        input.clear();
        input.sendKeys("10.70.0.9/24");
        browser.find("#create-form button[type=submit]").click();
        instanceRow("red");
        assertTrue(browser.driver.findElement(error).getText().isEmpty());
        api().delete("/api/v1/instances/red").then().statusCode(204);
        browser.until(d -> browser.findAll("#instances tr[data-instance='red']").isEmpty());
    }

    @Test
    void keyboardAlone() throws Exception {
        open("#/");
        WebElement name = browser.find("#create-form input[name=name]");
        name.click();
        name.sendKeys("kbd");
        // Tab to the link select and choose "wire" with the arrow keys, then Enter submits
        name.sendKeys(Keys.TAB);
        WebElement link = browser.driver.switchTo().activeElement();
        assertEquals("create-link", link.getAttribute("id"));
        while (!"wire".equals(link.getAttribute("value"))) {
            link.sendKeys(Keys.ARROW_DOWN);
        }
        link.sendKeys(Keys.TAB);
        browser.driver.switchTo().activeElement().sendKeys("10.70.0.20/24", Keys.ENTER);
        instanceRow("kbd");
        // the new instance's link has the focus: Enter opens it
        browser.until(d -> "kbd".equals(d.switchTo().activeElement().getText()));
        browser.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
        browser.until(textToBePresentInElementLocated(By.tagName("h1"), "kbd"));
        browser.screenshot("keyboard-instance");
        browser.driver.navigate().back();
        WebElement delete = instanceRow("kbd").findElement(By.cssSelector("button.danger"));
        delete.sendKeys(Keys.ENTER);
        browser.until(visibilityOfElementLocated(By.id("confirm")));
        // Escape cancels, nothing is deleted; the focused Cancel button is the default
        browser.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
        browser.until(invisibilityOfElementLocated(By.id("confirm")));
        api().get("/api/v1/instances/kbd").then().statusCode(200);
        delete.sendKeys(Keys.ENTER);
        browser.until(visibilityOfElementLocated(By.id("confirm")));
        assertEquals("cancel", browser.driver.switchTo().activeElement().getAttribute("value"));
        browser.driver.switchTo().activeElement().sendKeys(Keys.TAB);
        browser.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
        browser.until(d -> browser.findAll("#instances tr[data-instance='kbd']").isEmpty());
        api().get("/api/v1/instances/kbd").then().statusCode(404);
    }

    @Test
    void linksPage() throws Exception {
        open("#/links");
        WebElement wire = browser.until(presenceOfElementLocated(By.cssSelector("#links tr[data-link='wire']")));
        assertTrue(wire.getText().contains("memory") && wire.getText().contains("peer"), wire.getText());
        browser.find("#link-form input[name=name]").sendKeys("spare");
        browser.find("#link-form button[type=submit]").click();
        browser.until(presenceOfElementLocated(By.cssSelector("#links tr[data-link='spare']")));
        browser.screenshot("links");
        // wire is in use: the server's refusal is shown, nothing changes
        wire = browser.find("#links tr[data-link='wire']");
        wire.findElement(By.cssSelector("button.danger")).click();
        confirm();
        browser.until(visibilityOfElementLocated(By.cssSelector(".toast.error")));
        assertTrue(browser.find(".toast.error").getText().contains("used by peer"), browser.find(".toast.error").getText());
        browser.find("#links tr[data-link='spare'] button.danger").click();
        confirm();
        browser.until(d -> browser.findAll("#links tr[data-link='spare']").isEmpty());
        api().get("/api/v1/links/spare").then().statusCode(404);
        browser.assertNoConsoleErrors(Pattern.compile("status of 409"));
    }

    private static void scrollTo(String css) {
        ((JavascriptExecutor) browser.driver).executeScript("document.querySelector(arguments[0]).scrollIntoView()", css);
    }


    @Test
    void neighboursTunablesAndImpairment() throws Exception {
        api().body("{\"name\":\"lab\",\"link\":\"wire\",\"addresses\":[\"10.70.0.30/24\"]}")
                .post("/api/v1/instances").then().statusCode(201);
        try {
            open("#/instances/lab");
            browser.until(presenceOfElementLocated(By.cssSelector("#tunables-table input[name=sack]")));

            // a static neighbour, then a bad MAC answered next to its field
            browser.find("#neighbor-form input[name=address]").sendKeys("10.70.0.99");
            browser.find("#neighbor-form input[name=mac]").sendKeys("02:00:00:00:00:99");
            browser.find("#neighbor-form button[type=submit]").click();
            browser.until(textToBePresentInElementLocated(By.id("neighbors-table"), "PERMANENT"));
            browser.find("#neighbor-form input[name=address]").sendKeys("10.70.0.98");
            browser.find("#neighbor-form input[name=mac]").sendKeys("01:00:5e:00:00:01");
            browser.find("#neighbor-form button[type=submit]").click();
            browser.until(textToBePresentInElementLocated(
                    By.cssSelector("#neighbor-form .field[data-field='mac'] .field-error"), "unicast"));

            // a tunable toggled through the table is what the API then reports
            WebElement sack = browser.find("#tunables-table input[name=sack]");
            assertTrue(sack.isSelected());
            scrollTo("#tunables");
            sack.click();
            browser.find("#tunables-form button[type=submit]").click();
            browser.until(d -> Boolean.FALSE.equals(api().get("/api/v1/instances/lab/tunables").then().extract()
                    .path("find { it.name == 'sack' }.value")));

            // impairment: an out-of-range rate is refused next to its field, a good delay is applied
            scrollTo("#impairment");
            WebElement loss = browser.find("#impairment-form input[name='transmit.lossRate']");
            loss.clear();
            loss.sendKeys("2");
            browser.find("#impairment-form button[type=submit]").click();
            By lossError = By.cssSelector("#impairment-form .field[data-field='transmit.lossRate'] .field-error");
            browser.until(d -> !d.findElement(lossError).getText().isEmpty());
            browser.screenshot("impairment-error");
            loss.clear();
            loss.sendKeys("0");
            WebElement delay = browser.find("#impairment-form input[name='receive.delayMillis']");
            delay.clear();
            delay.sendKeys("15");
            browser.find("#impairment-form button[type=submit]").click();
            browser.until(d -> d.findElement(lossError).getText().isEmpty());
            browser.until(d -> Float.valueOf(15f).equals(api().get("/api/v1/instances/lab/impairment").then().extract()
                    .path("receive.delayMillis")));
            browser.screenshot("impairment-applied");
        } finally {
            api().delete("/api/v1/instances/lab").then().statusCode(204);
        }
    }

    @Test
    void overviewFollowsInstancesAndConnectionsLive() throws Exception {
        open("#/");
        instanceRow("peer");
        ((org.openqa.selenium.JavascriptExecutor) browser.driver).executeScript("window.alpenstackNoReload = 1");
        api().body("{\"name\":\"cnt\",\"link\":\"wire\",\"addresses\":[\"10.70.0.40/24\"]}")
                .post("/api/v1/instances").then().statusCode(201);
        instanceRow("cnt");
        server.connect("cnt", "10.70.0.3", 80);
        By chip = By.cssSelector("#instances tr[data-instance='cnt'] .chip[data-state='ESTAB']");
        browser.until(textToBePresentInElementLocated(chip, "ESTAB 1"));
        browser.screenshot("overview-live");
        api().delete("/api/v1/instances/cnt").then().statusCode(204);
        browser.until(d -> browser.findAll("#instances tr[data-instance='cnt']").isEmpty());
        assertEquals(1L, ((org.openqa.selenium.JavascriptExecutor) browser.driver).executeScript("return window.alpenstackNoReload"));
    }
}
