// Azure Synapse Dedicated SQL Pool Connector for Apache Spark, the seed's sqlanalytics API.
// Runs only in a Synapse Spark pool (etlpool of workspace contosows).
// Writes Spark table lake.daily_totals into salesdw.sales.DailyTotals (INTERNAL table).
import com.microsoft.spark.sqlanalytics.utils.Constants
import org.apache.spark.sql.SqlAnalyticsConnector._

val df = spark.table("lake.daily_totals")
df.write.
  option(Constants.SERVER, "contoso-dw.database.windows.net").
  sqlanalytics("salesdw.sales.DailyTotals", Constants.INTERNAL)
