import ContentSupplyService
import KepuRuntime

await ServiceMain.main(ContentSupplyService.definition)
