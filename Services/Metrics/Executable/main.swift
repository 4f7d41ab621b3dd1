import MetricsService
import KepuRuntime

await ServiceMain.main(MetricsService.definition)
