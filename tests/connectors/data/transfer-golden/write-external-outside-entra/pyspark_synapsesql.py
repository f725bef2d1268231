# Azure Synapse Dedicated SQL Pool Connector for Apache Spark, the synapsesql API in Python
# (Spark 3 only; etlpool of workspace contosows).
# Writes Spark table lake.daily_totals into salesdw.sales.DailyTotals (EXTERNAL table).
import com.microsoft.spark.sqlanalytics
from com.microsoft.spark.sqlanalytics.Constants import Constants

df = spark.table("lake.daily_totals")
(df.write
    .option(Constants.SERVER, "contoso-dw.database.windows.net")
    .option(Constants.DATA_SOURCE, "LakeSource")
    .mode("errorifexists")
    .synapsesql("salesdw.sales.DailyTotals", Constants.EXTERNAL))
