/// The dashboard (监测看板), served by the service itself: one self-contained page (no script, style or font
/// fetched from anywhere else) that reads the JSON API and refreshes every two seconds. City overview with the
/// districts side by side, click a unit to drill down to its streets and communities, a trend by session day (two weeks back and ahead: the
/// numbers count on the day a session takes place), open alerts.
/// Each KPI tile carries `id="kpi-<name>"` and `data-value`, so tests (and people) can compare it with the API.
/// A view per line of the plan (`?line=<name>`, or the selector): that line's KPIs, the children compared by them,
/// and the trend of its headline count.
enum DashboardPage {
    static let html = template.replacingOccurrences(of: "__PLAN_LINES__", with: planLines)

    /// `PlanLine` as the page's script reads it (names and titles are constants of the code, never input).
    static let planLines =
        "["
        + PlanLine.allCases.map { line in
            let kpis = line.kpiNames.map { "\"\($0)\"" }.joined(separator: ",")
            return "{\"name\":\"\(line.rawValue)\",\"title\":\"\(line.title)\",\"kpis\":[\(kpis)],\"headline\":\"\(line.headline)\"}"
        }.joined(separator: ",") + "]"

    static let template = #"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>科普课堂 · Kepu Classroom dashboard</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>
        body{font-family:system-ui,sans-serif;margin:0;background:#f5f7fa;color:#1f2937}
        header{background:#0f4c81;color:#fff;padding:12px 20px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
        header h1{font-size:18px;margin:0}header select,header input{font-size:14px}
        main{padding:16px 20px;display:grid;gap:16px;grid-template-columns:1fr 1fr}
        section{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
        section.wide{grid-column:1/3}h2{font-size:15px;margin:0 0 8px}
        .tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px}
        .tile{border:1px solid #e5e7eb;border-radius:6px;padding:8px}.tile b{display:block;font-size:20px}.tile small{color:#6b7280}
        table{border-collapse:collapse;width:100%;font-size:13px}td,th{padding:4px 6px;border-bottom:1px solid #eee;text-align:right}
        td:first-child,th:first-child{text-align:left}tr.unit{cursor:pointer}tr.unit:hover{background:#eef5ff}
        .bar{display:inline-block;height:10px;background:#3b82f6;vertical-align:middle}
        #crumbs a{color:#fff;margin-right:6px}.alert{color:#b42318}#status{font-size:12px;opacity:.8}
        </style></head>
        <body data-updates="0">
        <header><h1>科普课堂 Kepu Classroom · monitoring</h1><span id="crumbs"></span>
        <label>period <select id="kind"><option>day</option><option>week</option><option selected>month</option><option>quarter</option><option>year</option><option>phase</option></select>
        <input id="key" size="10" placeholder="current"></label>
        <label>plan line <select id="line"><option value="">all lines</option></select></label><span id="status">loading…</span></header>
        <main>
        <section class="wide"><h2 id="unit-title">—</h2><div class="tiles" id="tiles"></div></section>
        <section><h2>Side by side</h2><table id="children"><thead><tr><th>unit</th><th>fill rate</th><th>seats booked</th><th>check-ins</th><th>no-show rate</th></tr></thead><tbody></tbody></table></section>
        <section><h2 id="trend-title">By session day, two weeks ahead and back (seats booked, check-ins)</h2><svg id="trend" width="100%" height="180" viewBox="0 0 600 180" preserveAspectRatio="none"></svg></section>
        <section class="wide"><h2>Open weak spots</h2><ul id="alerts"></ul></section>
        </main>
        <script>
        "use strict";
        const COUNTS=[["sessions_offered","sessions offered"],["seats_offered","seats offered"],["seats_booked","seats booked"],["bookings_made","bookings"],["check_ins","check-ins"],["no_shows","no-shows"],["waitlisted","waitlisted"],["promoted","promoted"],["cancelled_late","late cancellations"],["group_headcount","group headcount"],["dedicated_sessions","dedicated sessions"],["residents_reached","residents reached (≈)"],["activities_held","activities held"],["activity_participants","activity participants"],["youth_participants","young participants"],["lectures_held","lectures"],["visits_held","organised visits"],["mobile_museum_stops","mobile museum stops"],["reading_activities","reading activities"],["campaign_activities","campaign activities"],["volunteers_registered","volunteers registered (net)"],["verified_service_minutes","verified service minutes"],["volunteer_shortfalls","volunteer shortfalls"],["needs_submitted","needs surveyed"],["needs_met","needs met"],["books_delivered","books delivered"],["books_in_stock","books in stock (net)"],["work_views","online works' views"],["work_reach","online works' reach (≈)"],["information_officers","information officers"],["pairings_active","pairings active (net)"],["applications_approved","new practice points"],["orders_placed","orders placed"],["order_overdue_steps","overdue order steps"],["practice_sites","practice sites (net)"],["staffed_sites","staffed sites (net)"]];
        const RATES=[["fill_rate","fill rate"],["check_in_rate","check-in rate"],["no_show_rate","no-show rate"],["waitlist_conversion","waitlist conversion"],["staffing_rate","volunteer staffing"],["needs_met_rate","needs met"],["order_fulfilment","orders fulfilled"],["youth_share","youth share"]];
        const LINES=__PLAN_LINES__;
        const params=new URLSearchParams(location.search);let unit=params.get("unit");let path=[];let updates=0;
        const el=id=>document.getElementById(id);
        for(const l of LINES){const o=document.createElement("option");o.value=l.name;o.textContent=l.title;el("line").append(o);}
        el("line").value=LINES.some(l=>l.name===params.get("line"))?params.get("line"):"";
        const LABELS=Object.fromEntries(COUNTS.concat(RATES));
        function line(){return LINES.find(l=>l.name===el("line").value);}
        const pct=v=>(v*100).toFixed(1)+"%";
        const text=(tag,t,attrs)=>{const e=document.createElement(tag);e.textContent=t;for(const k in attrs||{})e.setAttribute(k,attrs[k]);return e;};
        function period(){const k=el("key").value.trim();return k?"&period="+encodeURIComponent(el("kind").value+":"+k):(el("kind").value==="month"?"":"&period="+encodeURIComponent(el("kind").value+":"+defaultKey(el("kind").value)));}
        function defaultKey(kind){const d=new Date(Date.now()+8*3600e3);const y=d.getUTCFullYear(),m=d.getUTCMonth()+1,day=d.getUTCDate();const p=n=>String(n).padStart(2,"0");
         if(kind==="day")return y+"-"+p(m)+"-"+p(day);if(kind==="quarter")return y+"-Q"+(Math.floor((m-1)/3)+1);if(kind==="year")return String(y);if(kind==="phase")return "rollout";
         const t=new Date(Date.UTC(y,m-1,day));const wd=(t.getUTCDay()+6)%7;t.setUTCDate(t.getUTCDate()-wd+3);const wy=t.getUTCFullYear();const w=1+Math.round((t-Date.UTC(wy,0,4))/864e5/7-((new Date(Date.UTC(wy,0,4)).getUTCDay()+6)%7-3)/7);
         return wy+"-W"+p(w);}
        function shanghaiDay(offset){const d=new Date(Date.now()+8*3600e3+offset*864e5);return d.toISOString().slice(0,10);}
        async function get(url){const r=await fetch(url,{cache:"no-store"});if(!r.ok)throw new Error(url+": "+r.status);return r.json();}
        async function refresh(){
         try{
          if(!unit){const roots=await get("/api/units?x=1"+period());if(!roots.units.length){el("status").textContent="no data yet — start the demo load";return;}unit=roots.units[0].unit;}
          const [k,c,t,a]=await Promise.all([get("/api/kpis?unit="+encodeURIComponent(unit)+period()),get("/api/units/"+encodeURIComponent(unit)+"/children?x=1"+period()),get("/api/trend?days=30&to="+shanghaiDay(14)+"&unit="+encodeURIComponent(unit)),get("/api/alerts")]);
          path=k.path;el("unit-title").textContent=k.unit+" ("+k.level+") · "+k.period.kind+" "+k.period.key;
          const crumbs=el("crumbs");crumbs.replaceChildren(...path.map(u=>{const x=text("a",u,{href:"?unit="+encodeURIComponent(u)});x.onclick=e=>{e.preventDefault();unit=u;refresh();};return x;}));
          const chosen=line();const names=chosen?chosen.kpis:COUNTS.concat(RATES).map(([n])=>n);const tiles=[];
          for(const name of names){const v=k.kpis[name];const label=LABELS[name]||name.replaceAll("_"," ");const d=text("div","",{class:"tile"});
           if(typeof v==="object"){const shown=name==="average_rating"?v.value.toFixed(2):name==="cost_per_participant"?(v.value/100).toFixed(2)+" ¥":pct(v.value);d.append(text("small",label),text("b",shown,{id:"kpi-"+name,"data-value":String(v.value),"data-numerator":String(v.numerator),"data-denominator":String(v.denominator)}),text("small",v.numerator+" / "+v.denominator));}
           else d.append(text("small",label),text("b",String(v),{id:"kpi-"+name,"data-value":String(v)}));tiles.push(d);}
          el("tiles").replaceChildren(...tiles);
          const columns=chosen?chosen.kpis.slice(0,4):["fill_rate","seats_booked","check_ins","no_show_rate"];
          el("children").tHead.rows[0].replaceChildren(text("th","unit"),...columns.map(n=>text("th",LABELS[n]||n.replaceAll("_"," "))));
          const top=Math.max(1,...c.children.map(ch=>{const v=ch.kpis[columns[0]];return typeof v==="object"?v.value:v;}));
          const rows=c.children.map(ch=>{const tr=text("tr","",{class:"unit","data-unit":ch.unit});
           const td=text("td",ch.unit+" ");td.append(text("small",ch.level));tr.append(td);
           columns.forEach((n,i)=>{const v=ch.kpis[n];const shown=typeof v==="object"?(n==="average_rating"?v.value.toFixed(2):pct(v.value)):String(v);const cell=text("td",(i===0?" ":"")+shown,{"data-kpi":n});
            if(i===0){const bar=text("span","",{class:"bar"});const x=typeof v==="object"?v.value:v;bar.style.width=Math.round(Math.min(1,x/(typeof v==="object"&&n!=="average_rating"?1:top))*80)+"px";cell.prepend(bar);}tr.append(cell);});
           tr.onclick=()=>{unit=ch.unit;refresh();};return tr;});
          el("children").tBodies[0].replaceChildren(...(rows.length?rows:[text("tr","")]));
          el("trend-title").textContent=chosen?"By day, two weeks ahead and back ("+(LABELS[chosen.headline]||chosen.headline.replaceAll("_"," "))+")":"By session day, two weeks ahead and back (seats booked, check-ins)";
          drawTrend(t.points,chosen?[[chosen.headline,"#3b82f6"]]:[["seats_booked","#3b82f6"],["check_ins","#16a34a"]]);
          el("alerts").replaceChildren(...(a.alerts.length?a.alerts.map(x=>text("li",x.rule+" · "+x.unit+" — "+x.detail,{class:"alert"})):[text("li","none")]));
          updates++;document.body.dataset.updates=String(updates);el("status").textContent="updated "+new Date().toLocaleTimeString();
         }catch(e){el("status").textContent="error: "+e.message;}
        }
        function drawTrend(points,series){const svg=el("trend");const W=600,H=170;
         const max=Math.max(1,...points.flatMap(p=>series.map(([n])=>p.kpis[n])));const ns="http://www.w3.org/2000/svg";const kids=[];
         for(const [name,color] of series){const pl=document.createElementNS(ns,"polyline");pl.setAttribute("fill","none");pl.setAttribute("stroke",color);pl.setAttribute("stroke-width","2");
          pl.setAttribute("points",points.map((p,i)=>(i*W/Math.max(1,points.length-1)).toFixed(1)+","+(H-p.kpis[name]/max*(H-10)).toFixed(1)).join(" "));kids.push(pl);}
         svg.replaceChildren(...kids);}
        el("kind").onchange=()=>{el("key").value="";refresh();};el("key").onchange=refresh;el("line").onchange=refresh;
        refresh();setInterval(refresh,2000);
        </script></body></html>
        """#
}
