// Tiny Bolt client used by scripts/services/neo4j.sh for readiness checks and
// one-off admin statements. Compiled at install time against the Neo4j Java
// driver that ships with the server's own dependency set (no extra downloads).
//
// Usage: BoltQuery [--db NAME] [--quiet] URI USER PASSWORD QUERY [KEY=VALUE ...]
//   KEY=VALUE pairs become string query parameters ($KEY).
// Output: one line per record, values separated by tabs (unless --quiet).
// Exit codes: 0 ok, 2 authentication failed, 3 server unavailable, 1 other error.

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Logging;
import org.neo4j.driver.Record;
import org.neo4j.driver.Result;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.exceptions.AuthenticationException;
import org.neo4j.driver.exceptions.SecurityException;
import org.neo4j.driver.exceptions.ServiceUnavailableException;

public final class BoltQuery {
    public static void main(String[] argv) {
        String db = null;
        boolean quiet = false;
        int i = 0;
        while (i < argv.length && argv[i].startsWith("--")) {
            switch (argv[i]) {
                case "--db" -> db = argv[++i];
                case "--quiet" -> quiet = true;
                default -> usage("unknown option " + argv[i]);
            }
            i++;
        }
        if (argv.length - i < 4) {
            usage("missing arguments");
        }
        String uri = argv[i], user = argv[i + 1], password = argv[i + 2], query = argv[i + 3];
        Map<String, Object> params = new HashMap<>();
        for (int j = i + 4; j < argv.length; j++) {
            int eq = argv[j].indexOf('=');
            if (eq <= 0) {
                usage("bad parameter " + argv[j]);
            }
            params.put(argv[j].substring(0, eq), argv[j].substring(eq + 1));
        }

        Config config = Config.builder()
                .withLogging(Logging.none())
                .withConnectionTimeout(5, TimeUnit.SECONDS)
                .withMaxTransactionRetryTime(0, TimeUnit.SECONDS)
                .withoutEncryption()
                .build();
        SessionConfig sessionConfig = db == null ? SessionConfig.defaultConfig() : SessionConfig.forDatabase(db);
        try (Driver driver = GraphDatabase.driver(uri, AuthTokens.basic(user, password), config);
                Session session = driver.session(sessionConfig)) {
            Result result = session.run(query, params);
            while (result.hasNext()) {
                Record r = result.next();
                if (!quiet) {
                    System.out.println(r.values().stream()
                            .map(v -> v.isNull() ? "null" : (v.hasType(org.neo4j.driver.types.TypeSystem.getDefault().STRING())
                                    ? v.asString() : v.toString()))
                            .collect(Collectors.joining("\t")));
                }
            }
            result.consume();
            System.exit(0);
        } catch (AuthenticationException e) {
            System.err.println("auth failed: " + e.getMessage());
            System.exit(2);
        } catch (SecurityException e) {
            System.err.println("security error: " + e.getMessage());
            System.exit(2);
        } catch (ServiceUnavailableException e) {
            System.err.println("unavailable: " + e.getMessage());
            System.exit(3);
        } catch (Exception e) {
            System.err.println("error: " + e);
            System.exit(1);
        }
    }

    private static void usage(String why) {
        System.err.println("BoltQuery: " + why);
        System.err.println("usage: BoltQuery [--db NAME] [--quiet] URI USER PASSWORD QUERY [KEY=VALUE ...]");
        System.exit(64);
    }
}
