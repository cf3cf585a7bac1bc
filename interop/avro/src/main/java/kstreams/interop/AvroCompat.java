package kstreams.interop;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * Reads lines "reader-schema TAB writer-schema" (JSON, one line each) from
 * stdin and prints, per line, COMPATIBLE or INCOMPATIBLE as Avro's
 * SchemaCompatibility.checkReaderWriterCompatibility answers, or ERROR and
 * the message when a schema does not parse.
 */
public final class AvroCompat {
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    StringBuilder out = new StringBuilder();
    String line;
    while ((line = in.readLine()) != null) {
      int tab = line.indexOf('\t');
      try {
        Schema reader = new Schema.Parser().parse(line.substring(0, tab));
        Schema writer = new Schema.Parser().parse(line.substring(tab + 1));
        SchemaCompatibility.SchemaCompatibilityType type =
            SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType();
        out.append(type == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE ? "COMPATIBLE" : "INCOMPATIBLE");
      } catch (Exception e) {
        out.append("ERROR ").append(String.valueOf(e.getMessage()).replace('\n', ' '));
      }
      out.append('\n');
    }
    System.out.print(out);
  }
}
