# Prints each failed test of a TRX file: its name, its message and the top of its stack trace.
function unescape(s) { gsub(/&quot;/, "\"", s); gsub(/&apos;/, "'", s); gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&amp;/, "\\&", s); return s }
/<UnitTestResult / {
  failed = ($0 ~ /outcome="Failed"/)
  if (failed) { name = $0; sub(/.*testName="/, "", name); sub(/".*/, "", name); print "FAILED " unescape(name) }
  section = ""
}
failed && /<Message>/    { section = "message"; sub(/.*<Message>/, "") }
failed && /<StackTrace>/ { section = "stack"; lines = 0; sub(/.*<StackTrace>/, "") }
failed && section != "" {
  done = sub(/<\/(Message|StackTrace)>.*/, "")
  if (section == "message" || lines++ < 6) print "    " unescape($0)
  if (done) section = ""
}
