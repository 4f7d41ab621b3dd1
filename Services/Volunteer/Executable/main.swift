import VolunteerService
import KepuRuntime

await ServiceMain.main(VolunteerService.definition)
