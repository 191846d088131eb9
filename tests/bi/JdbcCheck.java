// The shipped views as pgjdbc (Debian's libpostgresql-jdbc-java, what JDBC-based BI tools use)
// sees them, as the read-only BI login (docs/bi.md): DatabaseMetaData lists every relation
// with every column typed (no Types.OTHER), decimals with a scale, a comment on each, and the
// stage filters through setString. Run by scripts/bi.sh test:
//     java -cp /usr/share/java/postgresql.jar tests/bi/JdbcCheck.java JDBC_URL USER RELATION...
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;

public class JdbcCheck {
    static void fail(String message) {
        System.out.println("FAIL " + message);
        System.exit(1);
    }

    public static void main(String[] args) throws Exception {
        try (Connection conn = DriverManager.getConnection(args[0], args[1], "")) {
            DatabaseMetaData meta = conn.getMetaData();
            int columns = 0;
            for (int i = 2; i < args.length; i++) {
                String relation = args[i];
                int found = 0;
                try (ResultSet rs = meta.getColumns(null, "public", relation, null)) {
                    while (rs.next()) {
                        found++;
                        String column = relation + "." + rs.getString("COLUMN_NAME");
                        int type = rs.getInt("DATA_TYPE");
                        if (type == Types.OTHER) {
                            fail(column + " is Types.OTHER (" + rs.getString("TYPE_NAME") + ")");
                        }
                        if (type == Types.NUMERIC && (rs.getInt("COLUMN_SIZE") == 0 || rs.getInt("DECIMAL_DIGITS") == 0)) {
                            fail(column + " is a numeric without precision or scale");
                        }
                        String remarks = rs.getString("REMARKS");
                        if (remarks == null || remarks.isEmpty()) {
                            fail(column + " has no comment");
                        }
                    }
                }
                if (found == 0) {
                    fail(relation + ": DatabaseMetaData lists no column");
                }
                columns += found;
            }
            System.out.println("ok   pgjdbc " + meta.getDriverVersion() + ": " + (args.length - 2) + " relations, " + columns
                    + " columns, none Types.OTHER, every decimal with a scale, every column commented");
            try (PreparedStatement st = conn.prepareStatement("SELECT count(*) FROM customer_facts WHERE stage = ?")) {
                st.setString(1, "at_risk");
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) <= 0) {
                        fail("setString(stage) finds no customer at_risk");
                    }
                    System.out.println("ok   stage = ? with setString finds " + rs.getLong(1) + " customers at_risk");
                }
            }
        }
    }
}
