import random
random.seed(8)
kinds = {
 "arabic": ["Mohammed al-Rashid","Khalid bin Salman","Fatima Al-Farsi","Omar Abu Bakr","Youssef el-Sayed","Layla bint Ali","Hamad Al Thani","Tariq Abdel-Aziz","Noura Al Mansouri","Saeed ibn Hamdan","Abdullah Al-Harbi","Rania El Amrani","Faisal bin Nasser al-Qasimi","Aisha Abu Zaid","Huda al-Khatib","Nasser Al Suwaidi"],
 "african": ["Ngozi Okafor","Chinedu Eze","Oluwaseun Adeyemi","Kwame Mensah","Akosua Boateng","Thandiwe Nkosi","Sipho Dlamini","Wanjiru Kamau","Tendai Moyo","Amara Diallo","Mamadou Diop","Abebe Bekele","Nnamdi Obi","Chiamaka Nwosu","Yaw Asante","Folake Adebayo"],
 "rare": ["Krisztián Szöllösy","Zsófia Horváth","Gergely Tóth","Przemysław Wójcik","Jiří Dvořák","Bogdan Ionescu","Ksenia Vasilyeva","Aurelijus Petrauskas","Eero Väisänen","Sigrún Jónsdóttir","Dragoș Munteanu","Vuk Kostić","Tamás Fekete","Małgorzata Zielińska","Oğuz Yıldırım","Ilmari Heikkilä"],
 "asian": ["Nguyen Thi Lan","Tran Van Minh","Wei Zhang","Hiroshi Tanaka","Priya Raghunathan","Siddharth Venkataraman","Ji-woo Park","Anjali Deshpande","Haruto Sato","Mei Ling Chua","Rahul Chaturvedi","Bao Ngoc Pham","Suresh Iyer","Kavya Subramanian","Takeshi Yamamoto","Li Na"],
}
titles = ["Dr.", "Mr.", "Mrs.", "Ms.", "Prof.", "Dr"]
tpl = [
 "Please draft an email to {T} {N} about the delayed invoice.",
 "Can you summarize the meeting notes? Attendees: {N}, {N2} and {N3}.",
 "{T} {N} will see the patient on Tuesday.",
 "Write a reference letter for {N}, who worked in our finance team for three years.",
 "Best regards,\n{N}\nSenior Analyst",
 "Patient: {N}, 54, presents with chest pain.",
 "Hi, I'm {N} and I need help with my visa application.",
 "CRM note: called {N} re renewal, wants a discount.",
 "Translate this for {T} {N}: the contract is ready.",
 "My manager {N} asked me to fix the report.",
 "Reminder: {N} is on leave until Monday, ask {N2} instead.",
 "Dear {T} {N},\nthank you for your application.",
 "The tenant {N} has not paid rent since March.",
 "Could you check whether {N} signed the NDA?",
 "{N} and {N2} are co-authors of the paper.",
 "Please book a table for {N} at 7pm.",
]
lower = [
 "my name is {n} and i need help with my taxes",
 "hey its {n} here, can u help me",
 "i'm {n}, what should i write to my landlord",
 "tell {n} i will be late lol",
 "ok so {n} said the deadline moved",
 "can you write a birthday message for {n}",
]
out = []
for kind, names in kinds.items():
  for t in tpl:
    n, n2, n3 = random.sample(names, 3)
    s = t.replace("{T}", random.choice(titles)).replace("{N2}", "[["+n2+"]]").replace("{N3}", "[["+n3+"]]").replace("{N}", "[["+n+"]]")
    out.append("#"+kind); out.append(s.replace("\n","\\n"))
  for t in lower:
    n = random.choice(names).lower()
    out.append("#"+kind+"-lower"); out.append(t.replace("{n}", "[["+n+"]]"))
open("/tmp/n8probe/kinds.txt","w").write("\n".join(out)+"\n")
