# Cell 1 (PySpark). The seed's sqlanalytics API is Scala only: PySpark hands the data over
# through a temporary view and a %%spark cell (etlpool of workspace contosows).
# Writes Spark table lake.daily_totals into salesdw.sales.DailyTotals (INTERNAL table).
pyspark_df = spark.table("lake.daily_totals")
pyspark_df.createOrReplaceTempView("linkwright_transfer")

# Cell 2: paste into its own cell; it starts with the %%spark magic.
%%spark
import com.microsoft.spark.sqlanalytics.utils.Constants
import org.apache.spark.sql.SqlAnalyticsConnector._
val df = spark.sqlContext.sql("select * from linkwright_transfer")
df.write.
  option(Constants.SERVER, "contoso-dw.database.windows.net").
  sqlanalytics("salesdw.sales.DailyTotals", Constants.INTERNAL)
