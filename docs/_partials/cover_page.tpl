{#- The cover of the print edition (mkdocs-print-site-plugin; `make pdf` prints it). The book's
    sentences are the home page's (docs/_partials/book.md: named()); tests/test_site.py holds
    them equal. -#}
<div class="nn7-cover">
  <h1>{{ config.site_name }}</h1>
  {% if config.site_description %}<p>{{ config.site_description }}</p>{% endif %}
  <p class="nn7-cover-book">对应的教材：一本中文神经网络教材的第 7 章“二维空间的曲线拟合”，7.7 节“权重矩阵随机初始化”。书名、作者和版次：本站依据的材料中没有记载，请以你手中的印刷版为准。</p>
  <p>打印版：首页、7.7 节正文、扩展实验、附录和动手实验室的说明。每一段代码、打印输出、图和正文中来自运行的数字，都是构建本站时运行真实代码得到的。发现错误时怎样告诉我们，见首页的“发现错误”。</p>
  {% if config.site_url %}<p>网站版：{{ config.site_url }}（动手实验室、笔记本和下载都在那里；本打印版中的链接指向它）</p>{% else %}<p>动手实验室、笔记本和下载是本站网站版的交互部分，这份打印版不含指向它们的链接。</p>{% endif %}
  {% if config.repo_url %}<p>源代码：{{ config.repo_url }}</p>{% endif %}
  {% if config.copyright %}<p>{{ config.copyright }}</p>{% endif %}
</div>
